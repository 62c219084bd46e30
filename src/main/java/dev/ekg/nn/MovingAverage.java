package dev.ekg.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A batch norm's moving statistic and its value on the batch a train-mode forward pass saw, shaped
 * like the variable: the update {@code moving − 0.1·(moving − batch)} of reference §4.4, built by
 * whoever decides when it runs.
 */
public record MovingAverage(ModelVariable moving, Operand<TFloat32> batchValue) {
  /** The update from this pass's batch. */
  public Op update(Ops tf) {
    return update(tf, moving, batchValue);
  }

  /**
   * The update from the mean of several replicas' batch values of the same statistic: what
   * per-replica copies, each updated from its own batch and averaged when read, hold (the
   * statistic is linear in the batch value).
   */
  public static Op meanUpdate(Ops tf, List<MovingAverage> replicas) {
    ModelVariable moving = replicas.get(0).moving();
    List<Operand<TFloat32>> values = replicas.stream().map(MovingAverage::batchValue).toList();
    Operand<TFloat32> mean = tf.math.mul(tf.math.addN(values), tf.constant(1f / values.size()));
    return update(tf, moving, mean);
  }

  /** The update of this statistic towards {@code batch} (e.g. a mean over the workers' replicas). */
  public Op updateTowards(Ops tf, Operand<TFloat32> batch) {
    return update(tf, moving, batch);
  }

  private static Op update(Ops tf, ModelVariable moving, Operand<TFloat32> batch) {
    Operand<TFloat32> delta = tf.math.mul(tf.constant(1f - BatchNorm.MOMENTUM), tf.math.sub(moving.value(), batch));
    return tf.assignVariableOp(moving.handle(), tf.math.sub(moving.value(), delta));
  }
}
