package dev.ekg.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Fully connected layer with bias, kernel {@code [in, out]} and bias {@code [1, out]}, with an
 * optional input-channel gate and the norm-preserving rescale of the kernel (reference §4.3).
 */
public final class Dense {
  private final ModelVariable kernel;
  private final ModelVariable bias;
  private final Operand<TFloat32> effectiveKernel;

  public Dense(
      VariableStore store,
      String name,
      int inFeatures,
      int outFeatures,
      Gate inGate,
      Initializer kernelInit) {
    this.kernel =
        store.create(
            name + "/kernel", new int[] {inFeatures, outFeatures}, VariableKind.TRAINABLE, kernelInit);
    this.bias =
        store.create(
            name + "/biases", new int[] {1, outFeatures}, VariableKind.TRAINABLE, Initializer.constant(0f));
    Ops tf = store.scope(name);
    this.effectiveKernel =
        inGate == null
            ? kernel.value()
            : NormPreservingMask.apply(
                tf, kernel.value(), NormPreservingMask.alongAxis(tf, inGate.mask(), 0, 2));
  }

  public ModelVariable kernel() {
    return kernel;
  }

  public ModelVariable bias() {
    return bias;
  }

  /** {@code x·W' + b} for {@code x} of shape [batch, in]. */
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    return affine(tf, x, effectiveKernel, bias.value());
  }

  /** {@code x·kernel + bias} for {@code x} [batch, in], {@code kernel} [in, out], {@code bias} [1, out]. */
  public static Operand<TFloat32> affine(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, Operand<TFloat32> bias) {
    return tf.math.add(tf.linalg.matMul(x, kernel), bias);
  }

  /** Params {@code Di·Do + Do}; FLOPs {@code Di·Do} (reference §4.3). */
  public static Complexity complexity(int inKept, int outFeatures) {
    long macs = (long) inKept * outFeatures;
    return new Complexity(macs + outFeatures, macs);
  }
}
