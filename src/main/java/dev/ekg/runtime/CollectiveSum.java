package dev.ekg.runtime;

import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * Sums tensors over all workers of a {@link Cluster} with TensorFlow's collective all-reduce, the
 * V1 {@code CollectiveReduce} op built by name (TF Java's generated class is the V3 op, which wants a
 * communicator; tfjava-notes §5b). Every worker builds the same graph, so the n-th sum of each
 * worker's graph gets the same instance key and they meet in one reduction per step.
 */
public final class CollectiveSum {
  private static final long GROUP_KEY = 1;

  private final Cluster cluster;
  private long nextInstanceKey = 1;

  public CollectiveSum(Cluster cluster) {
    this.cluster = cluster;
  }

  public int workers() {
    return cluster.size();
  }

  /** {@code x} summed over the workers; gives up after the cluster's timeout (a lost worker fails the step). */
  public Operand<TFloat32> of(Ops tf, Operand<TFloat32> x) {
    Scope scope = tf.scope();
    OperationBuilder builder = scope.env().opBuilder("CollectiveReduce", scope.makeOpName("CollectiveSum"), scope);
    builder.addInput(x.asOutput());
    builder.setAttr("T", DataType.DT_FLOAT);
    builder.setAttr("group_size", cluster.size());
    builder.setAttr("group_key", GROUP_KEY);
    builder.setAttr("instance_key", nextInstanceKey++);
    builder.setAttr("merge_op", "Add");
    builder.setAttr("final_op", "Id");
    builder.setAttr("subdiv_offsets", new long[] {0});
    builder.setAttr("timeout_seconds", (float) cluster.timeoutSeconds());
    Operation op = scope.apply(builder).build();
    return op.output(0);
  }
}
