package dev.ekg.runtime;

import org.tensorflow.Server;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * This process's TensorFlow server in a multi-worker run, started once before the first session.
 * It serves until the process exits: TF Java cannot stop a server cleanly (tfjava-notes §5b).
 */
public final class WorkerServer {
  private static Server server;
  private static Cluster serving;

  private WorkerServer() {}

  /** Starts the server of {@code options}' worker; nothing for a local run. */
  public static synchronized void start(SessionOptions options) {
    Cluster cluster = options.cluster();
    if (!cluster.isDistributed()) {
      return;
    }
    if (server != null) {
      if (!serving.workers().equals(cluster.workers()) || serving.taskIndex() != cluster.taskIndex()) {
        throw new IllegalStateException("this process already serves worker " + serving.taskIndex() + " of "
            + serving.workers());
      }
      return;
    }
    try {
      Server started = new Server(cluster.serverDef(options.toConfigProto()));
      started.start();
      server = started;
      serving = cluster;
    } catch (TensorFlowException | IllegalArgumentException e) {
      throw new IllegalArgumentException("worker " + cluster.taskIndex() + ": cannot serve on "
          + cluster.workers().get(cluster.taskIndex()) + ": " + e.getMessage().strip().lines().findFirst().orElse(""));
    }
  }
}
