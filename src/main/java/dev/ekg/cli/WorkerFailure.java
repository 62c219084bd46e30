package dev.ekg.cli;

import dev.ekg.runtime.Cluster;
import java.io.IOException;
import org.tensorflow.exceptions.TensorFlowException;

/** A multi-worker step that failed because a worker was lost or never answered, said in one line. */
final class WorkerFailure {
  private WorkerFailure() {}

  /** An I/O failure (the network between the workers), reported as a user error in one line. */
  static IOException of(Cluster cluster, TensorFlowException cause) {
    String first = cause.getMessage() == null ? "" : cause.getMessage().strip().lines()
        .filter(l -> !l.isBlank()).findFirst().orElse("");
    return new IOException("worker " + cluster.taskIndex() + " of " + cluster.workers() + ": the other "
        + "workers did not complete the step within --worker_timeout " + cluster.timeoutSeconds() + " s or were "
        + "lost (" + first + "); the chief's last checkpoint is intact, --resume continues from it", cause);
  }
}
