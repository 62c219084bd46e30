package dev.ekg.graph;

import dev.ekg.nn.Activation;
import dev.ekg.nn.BatchNorm;
import dev.ekg.nn.Complexity;
import dev.ekg.nn.MaskedConv2d;
import dev.ekg.nn.MaskedDepthwiseConv2d;
import java.util.List;

/**
 * One node kind of a {@link LayerGraph}, and the per-kind table the rest of the tool reads: how the
 * layer relates the channel spaces of its input and output ({@link #joinsChannels()}), which weight
 * arrays it holds and along which axes each is sliced when channels are removed ({@link #arrays()}),
 * and its params/FLOPs for a number of kept input and output channels ({@link #complexity}).
 *
 * <p>A conv or dense layer separates channel spaces: its output channels are new ones. Batch norm,
 * depthwise conv (multiplier 1), pooling and add keep them: their output channel c is their input
 * channel c, so pruning one prunes the other.
 */
public sealed interface Layer {
  /** The layer's weight-key prefix (e.g. {@code BasicBlock0.0/conv1}); unique in its graph. */
  String name();

  /** Whether the output channel space is the input's (true) or a new one (false). */
  boolean joinsChannels();

  /**
   * The width of the layer's output given the width of what it reads (an input ignores it).
   *
   * @throws IllegalArgumentException naming the layer when it cannot read that many channels
   */
  int outputChannels(int inputChannels);

  /** The weight arrays and their channel axes, in the reference's key order. */
  default List<ArraySlice> arrays() {
    return List.of();
  }

  /** Params and FLOPs with {@code inKept} input and {@code outKept} output channels (§4.5). */
  default Complexity complexity(int inKept, int outKept) {
    return Complexity.ZERO;
  }

  /** A layer without weights that works channel by channel: its output channel c is its input channel c. */
  sealed interface ChannelWise extends Layer {
    @Override
    default int outputChannels(int inputChannels) {
      return inputChannels;
    }

    @Override
    default boolean joinsChannels() {
      return true;
    }
  }

  /** The network's input image; its channels are never pruned. */
  record Input(String name, int channels) implements Layer {
    @Override
    public int outputChannels(int inputChannels) {
      return channels;
    }

    @Override
    public boolean joinsChannels() {
      return false;
    }
  }

  /** A dense convolution, kernel {@code [k, k, in, out]}, SAME padding, no bias (§4.1). */
  record Conv(String name, int kernelSize, int stride, int inChannels, int outChannels, int inputSize)
      implements Layer {
    @Override
    public int outputChannels(int inputChannels) {
      expectInput(this, inChannels, inputChannels);
      return outChannels;
    }

    @Override
    public boolean joinsChannels() {
      return false;
    }

    @Override
    public List<ArraySlice> arrays() {
      return List.of(new ArraySlice(
          name + "/kernel:0", new int[] {kernelSize, kernelSize, inChannels, outChannels}, 2, 3, true));
    }

    @Override
    public Complexity complexity(int inKept, int outKept) {
      return MaskedConv2d.complexity(kernelSize, stride, inputSize, inputSize, inKept, outKept);
    }
  }

  /**
   * A depthwise convolution with multiplier 1, kernel {@code [k, k, C, 1]} (§4.2): axis 2 is the
   * channel and axis 3 the multiplier, so only axis 2 is ever sliced.
   */
  record DepthwiseConv(String name, int kernelSize, int stride, int channels, int inputSize) implements Layer {
    @Override
    public int outputChannels(int inputChannels) {
      expectInput(this, channels, inputChannels);
      return channels;
    }

    @Override
    public boolean joinsChannels() {
      return true;
    }

    @Override
    public List<ArraySlice> arrays() {
      return List.of(new ArraySlice(name + "/kernel:0", new int[] {kernelSize, kernelSize, channels, 1}, 2, -1, true));
    }

    @Override
    public Complexity complexity(int inKept, int outKept) {
      return MaskedDepthwiseConv2d.complexity(kernelSize, stride, inputSize, inputSize, inKept, 1);
    }
  }

  /** Batch norm over {@code channels} (arrays {@code [1,1,1,C]}) at side {@code size}, then an activation. */
  record BatchNormalization(String name, int channels, int size, Activation activation) implements Layer {
    @Override
    public int outputChannels(int inputChannels) {
      expectInput(this, channels, inputChannels);
      return channels;
    }

    public static final List<String> ARRAYS = List.of("gamma", "beta", "moving_mean", "moving_variance");

    @Override
    public boolean joinsChannels() {
      return true;
    }

    @Override
    public List<ArraySlice> arrays() {
      return ARRAYS.stream().map(a -> new ArraySlice(name + "/" + a + ":0", new int[] {1, 1, 1, channels}, -1, 3, false)).toList();
    }

    @Override
    public Complexity complexity(int inKept, int outKept) {
      return BatchNorm.complexity(size, size, outKept);
    }
  }

  /** Element-wise sum of its inputs (a residual join), then an activation. */
  record Add(String name, Activation activation) implements ChannelWise {}

  /** Max pooling, SAME padding: per channel, so the channels pass through. */
  record MaxPool(String name, int size, int stride) implements ChannelWise {}

  /** The mean over height and width: [N,H,W,C] → [N,C], channels pass through. */
  record GlobalAveragePool(String name) implements ChannelWise {}

  /** A fully connected layer, kernel {@code [in, out]} and bias {@code [1, out]} (§4.3). */
  record Dense(String name, int inFeatures, int outFeatures) implements Layer {
    @Override
    public int outputChannels(int inputChannels) {
      expectInput(this, inFeatures, inputChannels);
      return outFeatures;
    }

    @Override
    public boolean joinsChannels() {
      return false;
    }

    @Override
    public List<ArraySlice> arrays() {
      return List.of(
          new ArraySlice(name + "/kernel:0", new int[] {inFeatures, outFeatures}, 0, 1, true),
          new ArraySlice(name + "/biases:0", new int[] {1, outFeatures}, -1, 1, false));
    }

    @Override
    public Complexity complexity(int inKept, int outKept) {
      return dev.ekg.nn.Dense.complexity(inKept, outKept);
    }
  }

  private static void expectInput(Layer layer, int expected, int actual) {
    if (expected != actual) {
      throw new IllegalArgumentException(
          layer.name() + " expects " + expected + " input channels but reads a tensor of " + actual);
    }
  }
}
