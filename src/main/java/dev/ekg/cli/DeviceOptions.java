package dev.ekg.cli;

import dev.ekg.runtime.Cluster;
import dev.ekg.runtime.SessionOptions;
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

  /** The session settings: one replica per listed GPU (or per CPU device of --replicas) in every phase. */
  SessionOptions sessionOptions() {
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
