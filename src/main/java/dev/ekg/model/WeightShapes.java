package dev.ekg.model;

import dev.ekg.graph.ArraySlice;
import dev.ekg.io.FloatArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads a network's widths from a weight file's shapes and checks the file against the network
 * (reference §7.2: a pruned file carries no masks, its shapes are the architecture).
 */
final class WeightShapes {
  private WeightShapes() {}

  /**
   * The output channels of conv {@code convName}: the last dimension of its kernel.
   *
   * @throws ArchitectureMismatchException when the kernel is missing or not 4-D
   */
  static int outChannels(Map<String, FloatArray> weights, String convName, String source, String archName) {
    String key = convName + "/kernel:0";
    FloatArray a = weights.get(key);
    if (a == null) {
      throw new ArchitectureMismatchException(source + ": missing key '" + key + "' required by " + archName);
    }
    if (a.rank() != 4) {
      throw new ArchitectureMismatchException(
          source + ": '" + key + "' has shape " + a.shapeString() + ", expected a 4-D conv kernel [kh,kw,in,out]");
    }
    return a.dim(3);
  }

  /**
   * Every array {@code architecture} has must be in {@code weights} with its shape, and nothing else.
   *
   * @throws ArchitectureMismatchException naming the key and the expected and actual shape
   */
  static void validate(Architecture architecture, Map<String, FloatArray> weights, String source) {
    for (var node : architecture.layerGraph().nodes()) {
      for (ArraySlice slice : node.layer().arrays()) {
        FloatArray a = weights.get(slice.key());
        if (a == null) {
          throw new ArchitectureMismatchException(source + ": missing key '" + slice.key() + "'");
        }
        if (!Arrays.equals(a.shape(), slice.shape())) {
          throw new ArchitectureMismatchException(source + ": '" + slice.key() + "' has shape " + a.shapeString()
              + ", expected " + Arrays.toString(slice.shape()));
        }
      }
    }
    List<String> unused = new ArrayList<>(weights.keySet());
    unused.removeAll(architecture.weightKeys());
    if (!unused.isEmpty()) {
      throw new ArchitectureMismatchException(
          source + ": holds " + unused.size() + " arrays that " + architecture.archName() + " does not have, e.g. '"
              + unused.get(0) + "': is --arch (or --dataset) right?");
    }
  }
}
