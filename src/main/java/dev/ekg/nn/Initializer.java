package dev.ekg.nn;

import dev.ekg.io.TensorArrays;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.op.random.TruncatedNormal;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** Builds the initial value of a variable inside the graph's init scope. */
@FunctionalInterface
public interface Initializer {
  Operand<TFloat32> build(Ops initScope, int[] shape, long seed);

  static Initializer constant(float value) {
    return (tf, shape, seed) -> tf.fill(tf.constant(toLongs(shape)), tf.constant(value));
  }

  /**
   * Keras {@code VarianceScaling(scale, mode, truncated normal)}: stddev
   * {@code sqrt(scale/fan)/0.87962566} with fan = kh·kw·out ({@code fanOut}) or kh·kw·in.
   * Reference §3 uses scale 2 with fan_out for convolutions.
   */
  static Initializer varianceScaling(double scale, boolean fanOut) {
    return (tf, shape, seed) -> {
      long receptive = 1;
      for (int i = 0; i < shape.length - 2; i++) {
        receptive *= shape[i];
      }
      long fan = receptive * shape[shape.length - (fanOut ? 1 : 2)];
      float stddev = (float) (Math.sqrt(scale / fan) / 0.87962566103423978);
      return truncatedNormal(tf, shape, seed, stddev);
    };
  }

  /** Normal(0, stddev); the reference initialises the FC kernel with N(0, 0.01) (§3). */
  static Initializer normal(float stddev) {
    return (tf, shape, seed) ->
        tf.math.mul(
            tf.random.randomStandardNormal(
                tf.constant(toLongs(shape)),
                TFloat32.class,
                RandomStandardNormal.seed(seed),
                RandomStandardNormal.seed2(seed >>> 32)),
            tf.constant(stddev));
  }

  private static Operand<TFloat32> truncatedNormal(Ops tf, int[] shape, long seed, float stddev) {
    Operand<TInt64> dims = tf.constant(toLongs(shape));
    return tf.math.mul(
        tf.random.truncatedNormal(
            dims, TFloat32.class, TruncatedNormal.seed(seed), TruncatedNormal.seed2(seed >>> 32)),
        tf.constant(stddev));
  }

  private static long[] toLongs(int[] shape) {
    return TensorArrays.shapeOf(shape).asArray();
  }
}
