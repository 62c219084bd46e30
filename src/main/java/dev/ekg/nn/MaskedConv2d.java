package dev.ekg.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * 2-D convolution without bias, HWIO kernel {@code [k, k, in, out]}, TF SAME padding (for stride 2
 * on an even size the extra row/column goes bottom/right), with optional input and output channel
 * gates and the norm-preserving rescale of reference §4.1.
 */
public final class MaskedConv2d {
  private final String name;
  private final int kernelSize;
  private final int stride;
  private final ModelVariable kernel;
  private final Operand<TFloat32> effectiveKernel;

  /**
   * @param name the layer's key prefix, e.g. {@code BasicBlock0.0/conv1}
   * @param inGate gate over the input channels, or null
   * @param outGate gate over the output channels, or null
   */
  public MaskedConv2d(
      VariableStore store,
      String name,
      int kernelSize,
      int stride,
      int inChannels,
      int outChannels,
      Gate inGate,
      Gate outGate,
      Initializer init) {
    this.name = name;
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.kernel =
        store.create(
            name + "/kernel",
            new int[] {kernelSize, kernelSize, inChannels, outChannels},
            VariableKind.TRAINABLE,
            init);
    this.effectiveKernel = masked(store.scope(name), kernel.value(), inGate, outGate);
  }

  private static Operand<TFloat32> masked(
      Ops tf, Operand<TFloat32> kernel, Gate inGate, Gate outGate) {
    Operand<TFloat32> mask = null;
    if (inGate != null) {
      mask = NormPreservingMask.alongAxis(tf, inGate.mask(), 2, 4);
    }
    if (outGate != null) {
      Operand<TFloat32> out = NormPreservingMask.alongAxis(tf, outGate.mask(), 3, 4);
      mask = mask == null ? out : tf.math.mul(mask, out);
    }
    return mask == null ? kernel : NormPreservingMask.apply(tf, kernel, mask);
  }

  public String name() {
    return name;
  }

  public ModelVariable kernel() {
    return kernel;
  }

  /** The kernel the convolution runs with: masked and rescaled when gates are attached. */
  public Operand<TFloat32> effectiveKernel() {
    return effectiveKernel;
  }

  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    return convolve(tf, x, effectiveKernel, stride);
  }

  /** The convolution of {@code x} [N,H,W,in] with an HWIO {@code kernel}, SAME padding. */
  public static Operand<TFloat32> convolve(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, int stride) {
    return tf.nn.conv2d(x, kernel, List.of(1L, (long) stride, (long) stride, 1L), "SAME");
  }

  /** Params {@code k²·Di·Do} and FLOPs {@code Ho·Wo·k²·Di·Do} (reference §4.1). */
  public static Complexity complexity(
      int kernelSize, int stride, int inputHeight, int inputWidth, int inKept, int outKept) {
    long params = (long) kernelSize * kernelSize * inKept * outKept;
    long outputPixels = (long) outputSize(inputHeight, stride) * outputSize(inputWidth, stride);
    return new Complexity(params, outputPixels * params);
  }

  /** Spatial size after a SAME-padded convolution or pooling with {@code stride}. */
  public static int outputSize(int inputSize, int stride) {
    return (inputSize + stride - 1) / stride;
  }
}
