package dev.ekg.criteria;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ekg.Goldens;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.FloatArray;
import dev.ekg.io.PickleWeights;
import dev.ekg.model.ResNetArchitecture;
import dev.ekg.model.ResNetSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.StreamSupport;

/** The goldens of {@code tools/reference/make_magnitude_goldens.py}: a half-width ResNet-8. */
final class MagnitudeGoldens {
  static final ResNetSpec SPEC = ResNetSpec.ofDepth(8, 10);

  private MagnitudeGoldens() {}

  static Map<String, FloatArray> weights() {
    try {
      return PickleWeights.read(Goldens.ROOT.resolve("magnitude/weights.pkl"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ChannelGroups groups(Map<String, FloatArray> weights) {
    return ChannelGroups.derive(ResNetArchitecture.fromWeights(SPEC, weights, "magnitude/weights.pkl").layerGraph());
  }

  static JsonNode scores() {
    return Goldens.json("magnitude/scores.json");
  }

  static JsonNode allocation() {
    return Goldens.json("magnitude/allocation.json");
  }

  /** A list of per-group float lists (exact float32 values). */
  static float[][] floatLists(JsonNode lists) {
    float[][] out = new float[lists.size()][];
    for (int g = 0; g < out.length; g++) {
      JsonNode list = lists.get(g);
      out[g] = new float[list.size()];
      for (int c = 0; c < out[g].length; c++) {
        out[g][c] = (float) list.get(c).doubleValue();
      }
    }
    return out;
  }

  static int[] ints(JsonNode list) {
    return StreamSupport.stream(list.spliterator(), false).mapToInt(JsonNode::intValue).toArray();
  }

  static int[][] intLists(JsonNode lists) {
    return StreamSupport.stream(lists.spliterator(), false).map(MagnitudeGoldens::ints).toArray(int[][]::new);
  }

  static int[] counts(int[][] kept) {
    return Arrays.stream(kept).mapToInt(k -> k.length).toArray();
  }
}
