package dev.ekg.model;

import dev.ekg.io.FloatArray;
import java.util.Arrays;
import java.util.Map;
import java.util.Locale;

/**
 * A ResNet family member before any pruning (reference §3). CIFAR ResNets (depth 6n+2, three
 * stages of basic blocks at widths 16/32/64) and the ImageNet-stem ResNet-18/34/50 (four stages at
 * 64…512, bottlenecks for 50). As in the reference, the 7×7 stem with max-pool is used exactly when
 * there are 1000 classes.
 */
public record ResNetSpec(
    int depth,
    int numClasses,
    boolean imagenetStem,
    boolean bottleneck,
    int[] blocksPerStage,
    int[] widths,
    int[] strides) implements NetworkSpec {

  public static final int BOTTLENECK_EXPANSION = 4;
  /** ResNet-1202, the deepest CIFAR ResNet of He et al.; deeper ones would only exhaust memory. */
  public static final int MAX_CIFAR_DEPTH = 1202;

  /** Parses the reference's {@code --arch} value, e.g. {@code ResNet-56}. */
  public static ResNetSpec of(String arch, int numClasses) {
    String prefix = "resnet-";
    if (!arch.toLowerCase(Locale.ROOT).startsWith(prefix)) {
      throw new IllegalArgumentException(
          "--arch must look like ResNet-<depth> (e.g. ResNet-56) or MobileNetV2[-<width>], got '" + arch + "'");
    }
    int depth;
    try {
      depth = Integer.parseInt(arch.substring(prefix.length()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--arch depth is not a number in '" + arch + "'", e);
    }
    return ofDepth(depth, numClasses);
  }

  public static ResNetSpec ofDepth(int depth, int numClasses) {
    if (numClasses < 2) {
      throw new IllegalArgumentException("number of classes must be at least 2, got " + numClasses);
    }
    boolean imagenet = numClasses == 1000;
    int[] wide = {64, 128, 256, 512};
    int[] strides4 = {1, 2, 2, 2};
    switch (depth) {
      case 18:
        return new ResNetSpec(depth, numClasses, imagenet, false, new int[] {2, 2, 2, 2}, wide, strides4);
      case 34:
        return new ResNetSpec(depth, numClasses, imagenet, false, new int[] {3, 4, 6, 3}, wide, strides4);
      case 50:
        return new ResNetSpec(depth, numClasses, imagenet, true, new int[] {3, 4, 6, 3}, wide, strides4);
      default:
        if (depth >= 8 && depth <= MAX_CIFAR_DEPTH && (depth - 2) % 6 == 0) {
          int n = (depth - 2) / 6;
          return new ResNetSpec(
              depth, numClasses, imagenet, false, new int[] {n, n, n}, new int[] {16, 32, 64},
              new int[] {1, 2, 2});
        }
        throw new IllegalArgumentException(
            "--arch: unsupported ResNet depth " + depth + ": expected a CIFAR depth 6n+2 from 8 to "
                + MAX_CIFAR_DEPTH + " (20, 32, 44, 56, 110, …) or an ImageNet depth 18, 34, 50");
    }
  }

  @Override
  public ResNetArchitecture unpruned() {
    return ResNetArchitecture.of(this);
  }

  @Override
  public ResNetArchitecture fromWeights(Map<String, FloatArray> weights, String source) {
    return ResNetArchitecture.fromWeights(this, weights, source);
  }

  @Override
  public String archName() {
    return "ResNet-" + depth;
  }

  /** Input image side: 224 with the ImageNet stem, 32 otherwise. */
  @Override
  public int inputSize() {
    return imagenetStem ? 224 : 32;
  }

  public int expansion() {
    return bottleneck ? BOTTLENECK_EXPANSION : 1;
  }

  public int stages() {
    return blocksPerStage.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResNetSpec s
        && depth == s.depth
        && numClasses == s.numClasses
        && imagenetStem == s.imagenetStem;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new int[] {depth, numClasses, imagenetStem ? 1 : 0});
  }

  @Override
  public String toString() {
    return archName() + "(" + numClasses + " classes)";
  }
}
