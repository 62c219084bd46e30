package dev.ekg.model;

import dev.ekg.io.FloatArray;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * MobileNetV2 for 32×32 inputs (Sandler et al. 2018, with the usual CIFAR changes: the stem and the
 * second stage have stride 1), at a width multiplier α ∈ {0.5, 0.75, 1.0, 1.4}.
 */
public record MobileNetV2Spec(double width, int numClasses) implements NetworkSpec {
  public static final String NAME = "MobileNetV2";
  public static final List<Double> WIDTHS = List.of(0.5, 0.75, 1.0, 1.4);
  public static final int INPUT_SIZE = 32;

  public MobileNetV2Spec {
    if (!WIDTHS.contains(width)) {
      throw new IllegalArgumentException(
          "--arch: MobileNetV2 width multiplier must be one of 0.5, 0.75, 1.0, 1.4, got " + width);
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException("number of classes must be at least 2, got " + numClasses);
    }
  }

  /** Whether {@code arch} names a MobileNetV2 ({@code MobileNetV2} or {@code MobileNetV2-<width>}). */
  public static boolean names(String arch) {
    return arch.toLowerCase(Locale.ROOT).startsWith(NAME.toLowerCase(Locale.ROOT));
  }

  /** Parses {@code MobileNetV2} (width 1.0) or {@code MobileNetV2-<width>}, e.g. {@code MobileNetV2-0.5}. */
  public static MobileNetV2Spec of(String arch, int numClasses) {
    String rest = arch.substring(NAME.length());
    if (rest.isEmpty()) {
      return new MobileNetV2Spec(1.0, numClasses);
    }
    try {
      if (!rest.startsWith("-")) {
        throw new NumberFormatException(rest);
      }
      return new MobileNetV2Spec(Double.parseDouble(rest.substring(1)), numClasses);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--arch must look like MobileNetV2 or MobileNetV2-<width> (0.5, 0.75, 1.0, 1.4), got '" + arch + "'", e);
    }
  }

  @Override
  public int inputSize() {
    return INPUT_SIZE;
  }

  @Override
  public MobileNetV2Architecture unpruned() {
    return MobileNetV2Architecture.of(this);
  }

  @Override
  public MobileNetV2Architecture fromWeights(Map<String, FloatArray> weights, String source) {
    return MobileNetV2Architecture.fromWeights(this, weights, source);
  }

  @Override
  public String archName() {
    return NAME + "-" + width;
  }
}
