package dev.ekg.cli;

import dev.ekg.runtime.Accelerators;
import dev.ekg.runtime.Cluster;
import dev.ekg.runtime.SessionOptions;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags that say where and how TensorFlow runs, shared by every command that builds a graph. */
final class DeviceOptions {
  @Option(names = "--gpu_id", split = ",", arity = "1..*", paramLabel = "ID",
      description = "visible GPU indices (default: ${DEFAULT-VALUE}; ignored by CPU builds)")
  List<Integer> gpuIds = List.of(0);

  @Option(names = "--replicas",
      description = "data-parallel replicas on a machine without a GPU (the CPU is exposed as that many devices; "
          + "with a GPU, --gpu_id lists one device per replica). Training splits every batch evenly over them "
          + "(default: ${DEFAULT-VALUE})")
  int replicas = 1;

  @Option(names = "--compile", negatable = true, description = XlaFlag.DESCRIPTION)
  Boolean compile;

  @Option(names = "--threads",
      description = "intra-op threads; 0 = one per available core. The result's bits depend on it (and on the "
          + "processor), never on the machine's load (default: ${DEFAULT-VALUE})")
  int threads = 0;

  /**
   * The session settings; says on {@code err} when --gpu_id lists GPUs that only training uses:
   * the other phases run on the first visible GPU.
   */
  SessionOptions sessionOptions(PrintWriter err) {
    if (gpuIds.size() > 1 && Accelerators.gpuAvailable()) {
      err.printf("warning: --gpu_id %s: training runs one replica per GPU; search, memory bank and test run on "
          + "GPU %d%n", gpuIds, gpuIds.get(0));
      err.flush();
    }
    return new SessionOptions(
        XlaFlag.resolve(compile), gpuIds, replicas, intraOpThreads(), threads == 1 ? 1 : 0, Cluster.LOCAL);
  }

  /**
   * The intra-op thread count, explicit even for {@code --threads 0}, so that it is known (it
   * decides how reductions are split) and every session of the process gets a pool of its own.
   */
  int intraOpThreads() {
    if (threads < 0) {
      throw new IllegalArgumentException("--threads must not be negative, got " + threads);
    }
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
