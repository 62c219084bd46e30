package dev.ekg.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Depthwise convolution, kernel {@code [k, k, in, multiplier]}, SAME padding, with an optional
 * input-channel gate and the norm-preserving rescale (reference §4.2).
 */
public final class MaskedDepthwiseConv2d {
  private final int stride;
  private final ModelVariable kernel;
  private final Operand<TFloat32> effectiveKernel;

  public MaskedDepthwiseConv2d(
      VariableStore store,
      String name,
      int kernelSize,
      int stride,
      int inChannels,
      int multiplier,
      Gate inGate,
      Initializer init) {
    this.stride = stride;
    this.kernel =
        store.create(
            name + "/kernel",
            new int[] {kernelSize, kernelSize, inChannels, multiplier},
            VariableKind.TRAINABLE,
            init);
    Ops tf = store.scope(name);
    this.effectiveKernel =
        inGate == null
            ? kernel.value()
            : NormPreservingMask.apply(
                tf, kernel.value(), NormPreservingMask.alongAxis(tf, inGate.mask(), 2, 4));
  }

  public ModelVariable kernel() {
    return kernel;
  }

  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    return convolve(tf, x, effectiveKernel, stride);
  }

  /** The depthwise convolution of {@code x} [N,H,W,C] with a {@code [k,k,C,multiplier]} kernel, SAME padding. */
  public static Operand<TFloat32> convolve(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, int stride) {
    return tf.nn.depthwiseConv2dNative(x, kernel, List.of(1L, (long) stride, (long) stride, 1L), "SAME");
  }

  /** Params {@code k²·Di·multiplier}; FLOPs {@code Ho·Wo·params} (reference §4.2). */
  public static Complexity complexity(
      int kernelSize, int stride, int inputHeight, int inputWidth, int inKept, int multiplier) {
    long params = (long) kernelSize * kernelSize * inKept * multiplier;
    long outputPixels =
        (long) MaskedConv2d.outputSize(inputHeight, stride) * MaskedConv2d.outputSize(inputWidth, stride);
    return new Complexity(params, outputPixels * params);
  }
}
