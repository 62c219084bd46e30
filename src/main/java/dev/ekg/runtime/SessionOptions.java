package dev.ekg.runtime;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.TargetedSessions;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;

/**
 * How and where graphs run: XLA on or off, the visible GPUs, the replica devices of a mirrored
 * step, thread pools. Every session of the tool is opened here.
 *
 * @param xla JIT-compile the graph with XLA. On CPU the global-jit switch of the C API is needed
 *     besides the ConfigProto level, or nothing is compiled (see the TF Java notes, §3 XLA).
 * @param gpuIds visible GPU indices; ignored by the CPU natives. With a GPU each one holds a replica.
 * @param cpuReplicas replicas on a machine without a GPU: the CPU is exposed as that many devices
 * @param intraOpThreads 0 lets TensorFlow choose
 * @param cluster the workers of a multi-worker run ({@link Cluster#LOCAL} for one process): sessions
 *     then run through this worker's server, on its own devices
 */
public record SessionOptions(
    boolean xla, List<Integer> gpuIds, int cpuReplicas, int intraOpThreads, int interOpThreads, Cluster cluster) {
  public static final SessionOptions DEFAULT = new SessionOptions(false, List.of(), 1, 0, 0, Cluster.LOCAL);

  public SessionOptions {
    gpuIds = List.copyOf(gpuIds);
    Objects.requireNonNull(cluster, "cluster");
    if (cpuReplicas < 1) {
      throw new IllegalArgumentException("--replicas must be at least 1, got " + cpuReplicas);
    }
  }

  /** These options with {@code replicas} CPU devices. */
  public SessionOptions withCpuReplicas(int replicas) {
    return new SessionOptions(xla, gpuIds, replicas, intraOpThreads, interOpThreads, cluster);
  }

  /** These options as one worker of {@code workers}. */
  public SessionOptions withCluster(Cluster workers) {
    return new SessionOptions(xla, gpuIds, cpuReplicas, intraOpThreads, interOpThreads, workers);
  }

  /**
   * The device of each replica, in replica order: GPU k for the k-th of {@link #gpuIds} when a GPU
   * can run ops, otherwise CPU 0 … {@code cpuReplicas − 1}.
   */
  public List<DeviceSpec> replicaDevices() {
    boolean gpu = !gpuIds.isEmpty() && Accelerators.gpuAvailable();
    DeviceSpec.DeviceType type = gpu ? DeviceSpec.DeviceType.GPU : DeviceSpec.DeviceType.CPU;
    return IntStream.range(0, gpu ? gpuIds.size() : cpuReplicas)
        .mapToObj(i -> cluster.isDistributed()
            ? cluster.device(type, i)
            : DeviceSpec.newBuilder().deviceType(type).deviceIndex(i).build())
        .toList();
  }

  public ConfigProto toConfigProto() {
    ConfigProto.Builder config =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(intraOpThreads)
            .setInterOpParallelismThreads(interOpThreads)
            .setAllowSoftPlacement(true)
            // without per-session pools the first session of the process sizes the shared pools for all;
            // a worker's sessions run on the pools its server was started with
            .setUsePerSessionThreads(!cluster.isDistributed() && (intraOpThreads > 0 || interOpThreads > 0));
    if (cpuReplicas > 1) {
      config.putDeviceCount("CPU", cpuReplicas);
    }
    if (cluster.isDistributed()) {
      // a worker's variables outlive its sessions and are shared by name: two networks in one process
      // (the summary's original and pruned ones) would otherwise write into each other's variables
      config.addDeviceFilters(cluster.deviceFilter()).setIsolateSessionState(true);
    }
    if (!gpuIds.isEmpty()) {
      config.setGpuOptions(
          GPUOptions.newBuilder()
              .setAllowGrowth(true)
              .setVisibleDeviceList(gpuIds.stream().map(String::valueOf).collect(Collectors.joining(","))));
    }
    if (xla) {
      config.setGraphOptions(
          GraphOptions.newBuilder()
              .setOptimizerOptions(
                  OptimizerOptions.newBuilder().setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1)));
    }
    return config.build();
  }

  public Session open(Graph graph) {
    if (xla) {
      tensorflow.TF_SetTfXlaCpuGlobalJit((byte) 1);
    }
    return cluster.isDistributed()
        ? TargetedSessions.open(graph, cluster.target(), toConfigProto())
        : new Session(graph, toConfigProto());
  }
}
