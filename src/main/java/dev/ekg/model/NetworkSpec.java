package dev.ekg.model;

import dev.ekg.io.FloatArray;
import java.util.Map;

/**
 * A member of an architecture family before any pruning, as {@code --arch} names it: the one seam
 * the pipeline, the search and the commands open networks through.
 */
public interface NetworkSpec {
  /** The {@code --arch} name, e.g. {@code ResNet-56} or {@code MobileNetV2-0.5}. */
  String archName();

  int numClasses();

  /** Side of the square input image. */
  int inputSize();

  /** The network at its full widths. */
  Architecture unpruned();

  /**
   * The network whose widths a (possibly pruned) weight file's shapes imply, every shape checked.
   *
   * @param source the file the weights came from, for error messages
   * @throws ArchitectureMismatchException naming the key and the expected and actual shape
   */
  Architecture fromWeights(Map<String, FloatArray> weights, String source);

  /** Parses {@code --arch}: {@code ResNet-<depth>} or {@code MobileNetV2[-<width>]}. */
  static NetworkSpec parse(String arch, int numClasses) {
    return MobileNetV2Spec.names(arch) ? MobileNetV2Spec.of(arch, numClasses) : ResNetSpec.of(arch, numClasses);
  }
}
