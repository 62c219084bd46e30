package dev.ekg.nn;

import java.util.Arrays;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The masked kernel of reference §4.1: {@code W' = (W ⊙ m)·‖W‖_F / ‖W ⊙ m‖_F}, where the
 * denominator is TF's {@code l2_normalize} form {@code rsqrt(max(Σ(W⊙m)², 1e-12))}. The surviving
 * weights are rescaled so the kernel keeps its Frobenius norm.
 */
final class NormPreservingMask {
  private static final float L2_NORMALIZE_EPSILON = 1e-12f;

  private NormPreservingMask() {}

  /** {@code mask} must broadcast against {@code kernel}. */
  static Operand<TFloat32> apply(Ops tf, Operand<TFloat32> kernel, Operand<TFloat32> mask) {
    Operand<TFloat32> masked = tf.math.mul(kernel, mask);
    Operand<TFloat32> originalNorm = tf.math.sqrt(sumOfSquares(tf, kernel));
    Operand<TFloat32> inverseMaskedNorm =
        tf.math.rsqrt(tf.math.maximum(sumOfSquares(tf, masked), tf.constant(L2_NORMALIZE_EPSILON)));
    return tf.math.mul(masked, tf.math.mul(originalNorm, inverseMaskedNorm));
  }

  /** Reshapes a [C] mask so it broadcasts along {@code axis} of a rank-{@code rank} tensor. */
  static Operand<TFloat32> alongAxis(Ops tf, Operand<TFloat32> mask, int axis, int rank) {
    long[] shape = new long[rank];
    Arrays.fill(shape, 1L);
    shape[axis] = -1L;
    return tf.reshape(mask, tf.constant(shape));
  }

  private static Operand<TFloat32> sumOfSquares(Ops tf, Operand<TFloat32> x) {
    return tf.reduceSum(tf.math.square(x), tf.constant(allAxes(x)));
  }

  private static int[] allAxes(Operand<TFloat32> x) {
    int rank = x.shape().numDimensions();
    int[] axes = new int[rank];
    for (int i = 0; i < rank; i++) {
      axes[i] = i;
    }
    return axes;
  }
}
