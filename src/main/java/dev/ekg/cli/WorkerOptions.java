package dev.ekg.cli;

import dev.ekg.runtime.Cluster;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags of a multi-worker run, equivalent to TensorFlow's {@code TF_CONFIG} environment variable
 * (read when the flags are absent).
 */
final class WorkerOptions {
  static final String TF_CONFIG = "TF_CONFIG";

  @Option(names = "--worker_hosts", split = ",", paramLabel = "HOST:PORT",
      description = "every worker of a multi-worker run, the chief first (same list on every worker; default: "
          + "the cluster of the TF_CONFIG environment variable, else one process)")
  List<String> workerHosts;

  @Option(names = "--task_index", description = "this worker's place in --worker_hosts; 0 is the chief, which "
      + "alone writes --train_path")
  Integer taskIndex;

  @Option(names = "--worker_timeout", description = "seconds a step waits for the other workers before the run "
      + "fails (default: ${DEFAULT-VALUE})")
  int timeoutSeconds = Cluster.DEFAULT_TIMEOUT_SECONDS;

  /** The cluster the flags or, without them, {@code TF_CONFIG} in {@code environment} describe. */
  Cluster cluster(Map<String, String> environment) {
    if (workerHosts != null) {
      if (taskIndex == null) {
        throw new IllegalArgumentException("--worker_hosts needs --task_index: this worker's place in the list");
      }
      return new Cluster(workerHosts, taskIndex, timeoutSeconds);
    }
    if (taskIndex != null) {
      throw new IllegalArgumentException("--task_index needs --worker_hosts: the list of every worker");
    }
    String tfConfig = environment.get(TF_CONFIG);
    return tfConfig == null || tfConfig.isBlank()
        ? Cluster.LOCAL.withTimeout(timeoutSeconds)
        : Cluster.fromTfConfig(tfConfig).withTimeout(timeoutSeconds);
  }
}
