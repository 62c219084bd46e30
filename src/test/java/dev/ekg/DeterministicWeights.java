package dev.ekg;

import dev.ekg.graph.ArraySlice;
import dev.ekg.graph.Layer;
import dev.ekg.graph.LayerGraph;
import dev.ekg.io.FloatArray;
import dev.ekg.model.Architecture;
import dev.ekg.prune.NumpyLegacyRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deterministic weights for any architecture and images, drawn with NumPy's legacy generator in
 * the order and arithmetic of tools/reference/make_mobilenetv2_goldens.py (so its golden holds
 * only logits): per array in layer order, uniform kernels scaled by √(6/fan-in), γ and moving
 * variance in [0.5, 1.5), β, moving mean and biases in [−0.1, 0.1).
 */
public final class DeterministicWeights {
  private DeterministicWeights() {}

  public static LinkedHashMap<String, FloatArray> weights(Architecture arch, long seed) {
    NumpyLegacyRandom random = new NumpyLegacyRandom(seed);
    LinkedHashMap<String, FloatArray> out = new LinkedHashMap<>();
    for (LayerGraph.Node node : arch.layerGraph().nodes()) {
      Layer layer = node.layer();
      for (ArraySlice slice : layer.arrays()) {
        int[] shape = slice.shape();
        float[] data = new float[(int) FloatArray.elementCount(shape)];
        String stat = slice.key().substring(layer.name().length() + 1);
        for (int i = 0; i < data.length; i++) {
          double u = random.randomSample();
          data[i] = (float) value(layer, stat, shape, u);
        }
        out.put(slice.key(), new FloatArray(shape, data));
      }
    }
    return out;
  }

  private static double value(Layer layer, String stat, int[] shape, double u) {
    if (layer instanceof Layer.Conv) {
      return (u * 2.0 - 1.0) * Math.sqrt(6.0 / (shape[0] * shape[1] * shape[2]));
    }
    if (layer instanceof Layer.DepthwiseConv) {
      return (u * 2.0 - 1.0) * Math.sqrt(6.0 / (shape[0] * shape[1]));
    }
    if (layer instanceof Layer.Dense) {
      return stat.equals("kernel:0") ? (u * 2.0 - 1.0) * Math.sqrt(6.0 / shape[0]) : (u * 2.0 - 1.0) * 0.1;
    }
    return switch (stat) {
      case "gamma:0", "moving_variance:0" -> 0.5 + u;
      default -> (u * 2.0 - 1.0) * 0.1;
    };
  }

  /** {@code [count, side, side, 3]} images in [−2, 2). */
  public static FloatArray images(long seed, int count, int side) {
    NumpyLegacyRandom random = new NumpyLegacyRandom(seed);
    float[] data = new float[count * side * side * 3];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) ((random.randomSample() * 2.0 - 1.0) * 2.0);
    }
    return new FloatArray(new int[] {count, side, side, 3}, data);
  }
}
