package dev.ekg.runtime;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Replica k of n takes rows [k·N/n, (k+1)·N/n) of a batch of N (integer division), in the graph:
 * the shards are as even as N allows, and a batch smaller than n leaves some replicas no rows.
 */
public final class ReplicaRows {
  private ReplicaRows() {}

  /**
   * Whether a batch of {@code rows} runs on the towers of {@code replicas} devices: with several
   * devices and a row for each (TensorFlow's kernels mishandle a zero-row shard); otherwise it runs
   * on one device.
   */
  public static boolean splits(long rows, int replicas) {
    return replicas > 1 && rows >= replicas;
  }

  /** The rows of {@code batch} (split along its first dimension) that {@code replica} of {@code replicas} takes. */
  public static <T extends TType> Operand<T> of(Ops tf, Operand<T> batch, int replica, int replicas) {
    Operand<TInt32> size = tf.gather(tf.shape(batch), tf.constant(new int[] {0}), tf.constant(0));
    Operand<TInt32> begin = tf.math.floorDiv(tf.math.mul(size, tf.constant(replica)), tf.constant(replicas));
    Operand<TInt32> end = tf.math.floorDiv(tf.math.mul(size, tf.constant(replica + 1)), tf.constant(replicas));
    return tf.stridedSlice(batch, begin, end, tf.constant(new int[] {1}));
  }
}
