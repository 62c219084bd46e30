package dev.ekg.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Batch normalisation of reference §4.4: ε = 1e-5, parameters shaped {@code [1,1,1,C]}, then an
 * {@link Activation}. In {@link BnMode#TRAIN} it normalises with the batch mean and offers the batch's
 * mean and biased variance as {@link MovingAverage}s; the caller decides whether and how to update
 * the moving statistics (the reference skips it while a gate masks the layer).
 */
public final class BatchNorm {
  public static final float EPSILON = 1e-5f;
  public static final float MOMENTUM = 0.9f;

  private final int channels;
  private final Activation activation;
  private final ModelVariable gamma;
  private final ModelVariable beta;
  private final ModelVariable movingMean;
  private final ModelVariable movingVariance;

  public BatchNorm(VariableStore store, String name, int channels, Activation activation, float initialGamma) {
    this.channels = channels;
    this.activation = activation;
    int[] shape = {1, 1, 1, channels};
    this.gamma = store.create(name + "/gamma", shape, VariableKind.TRAINABLE, Initializer.constant(initialGamma));
    this.beta = store.create(name + "/beta", shape, VariableKind.TRAINABLE, Initializer.constant(0f));
    this.movingMean =
        store.create(name + "/moving_mean", shape, VariableKind.MOVING_STATISTIC, Initializer.constant(0f));
    this.movingVariance =
        store.create(
            name + "/moving_variance", shape, VariableKind.MOVING_STATISTIC, Initializer.constant(1f));
  }

  public ModelVariable gamma() {
    return gamma;
  }

  public ModelVariable beta() {
    return beta;
  }

  public ModelVariable movingMean() {
    return movingMean;
  }

  public ModelVariable movingVariance() {
    return movingVariance;
  }

  /**
   * Normalises {@code x} [N,H,W,C]. In train mode the batch's mean and variance are appended to
   * {@code statistics}; in inference mode nothing is appended.
   */
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x, BnMode mode, List<MovingAverage> statistics) {
    FusedBatchNorm<TFloat32, TFloat32> bn;
    if (mode == BnMode.TRAIN) {
      Operand<TFloat32> empty = tf.constant(new float[0]);
      bn =
          tf.nn.fusedBatchNorm(
              x, vector(tf, gamma), vector(tf, beta), empty, empty,
              FusedBatchNorm.isTraining(true), FusedBatchNorm.epsilon(EPSILON));
      statistics.add(new MovingAverage(movingMean, shaped(tf, bn.batchMean())));
      statistics.add(new MovingAverage(movingVariance, shaped(tf, biased(tf, x, bn.batchVariance()))));
    } else {
      bn =
          tf.nn.fusedBatchNorm(
              x, vector(tf, gamma), vector(tf, beta), vector(tf, movingMean), vector(tf, movingVariance),
              FusedBatchNorm.isTraining(false), FusedBatchNorm.epsilon(EPSILON));
    }
    return activation.apply(tf, bn.y());
  }

  /** FusedBatchNormV3 reports the Bessel-corrected variance; the reference's EMA uses the biased one. */
  private static Operand<TFloat32> biased(Ops tf, Operand<TFloat32> x, Operand<TFloat32> unbiased) {
    Operand<TInt32> dims = tf.shape(x);
    Operand<TFloat32> n =
        tf.dtypes.cast(
            tf.reduceProd(tf.stridedSlice(dims, tf.constant(new int[] {0}), tf.constant(new int[] {3}),
                tf.constant(new int[] {1})), tf.constant(0)),
            TFloat32.class);
    return tf.math.mul(unbiased, tf.math.div(tf.math.sub(n, tf.constant(1f)), n));
  }

  private Operand<TFloat32> shaped(Ops tf, Operand<TFloat32> perChannel) {
    return tf.reshape(perChannel, tf.constant(new long[] {1, 1, 1, channels}));
  }

  private Operand<TFloat32> vector(Ops tf, ModelVariable v) {
    return tf.reshape(v.value(), tf.constant(new long[] {channels}));
  }

  /** Params {@code 4·Do} (moving statistics included) and FLOPs {@code 2·H·W·Do} (reference §4.4). */
  public static Complexity complexity(int height, int width, int channelsKept) {
    return new Complexity(4L * channelsKept, 2L * height * width * channelsKept);
  }
}
