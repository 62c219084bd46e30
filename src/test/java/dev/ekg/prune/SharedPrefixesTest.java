package dev.ekg.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.Goldens;
import dev.ekg.data.CifarDataset;
import dev.ekg.data.ValidationSet;
import dev.ekg.graph.LayerGraph;
import dev.ekg.io.FloatArray;
import dev.ekg.io.PickleWeights;
import dev.ekg.model.Architecture;
import dev.ekg.model.MobileNetV2Architecture;
import dev.ekg.model.MobileNetV2Spec;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkGraph;
import dev.ekg.model.ResNetArchitecture;
import dev.ekg.model.ResNetSpec;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The search with candidates that share the base sub-network's prefix ({@code --search_cache}) makes
 * the decisions of the search that evaluates every candidate from the images: same shortlists,
 * chosen gates, losses, candidate scores and widths, bit for bit.
 */
class SharedPrefixesTest {
  private static final int STEPS = 3;

  private static List<EkgSearch.Step> search(Model model, ValidationSet val, int batchSizeFlag, boolean share) {
    SearchGraph graph = new SearchGraph(model, batchSizeFlag, share);
    EkgSearch search = new EkgSearch(model, graph, graph, val, new EkgSearch.Settings(0.45, 0.2));
    List<EkgSearch.Step> steps = new ArrayList<>();
    search.run((step, state) -> steps.add(step), search.start(), STEPS);
    return steps;
  }

  private static void assertSameDecisions(Model model, ValidationSet val, int batchSizeFlag) {
    List<EkgSearch.Step> plain = search(model, val, batchSizeFlag, false);
    List<EkgSearch.Step> shared = search(model, val, batchSizeFlag, true);
    assertEquals(STEPS, plain.size());
    assertEquals(STEPS, shared.size());
    for (int k = 0; k < STEPS; k++) {
      EkgSearch.Step expected = plain.get(k);
      EkgSearch.Step actual = shared.get(k);
      String step = "step " + (k + 1);
      assertArrayEquals(expected.evaluated(), actual.evaluated(), "shortlist of " + step);
      assertTrue(expected.evaluated().length > 1, "a shortlist of one candidate tests little");
      assertArrayEquals(expected.scores(), actual.scores(), 0.0, "candidate scores of " + step);
      assertEquals(expected.gate(), actual.gate(), "gate chosen at " + step);
      assertEquals(expected.valLoss(), actual.valLoss(), 0.0, "loss of " + step);
      assertEquals(expected.valAccuracy(), actual.valAccuracy(), 0.0, "accuracy of " + step);
      assertArrayEquals(expected.widths(), actual.widths(), 0.0, "widths after " + step);
    }
  }

  @Test
  void theResNet56SearchMakesTheSameDecisions() throws IOException {
    Map<String, FloatArray> weights = PickleWeights.read(Goldens.pretrainedResNet56());
    ValidationSet val = Goldens.searchImages(48);
    Architecture arch = ResNetArchitecture.fromWeights(ResNetSpec.of("ResNet-56", 10), weights, "res56");
    try (Model model = Model.gated(arch, weights, SessionOptions.DEFAULT)) {
      assertSameDecisions(model, val, 48);
    }
  }

  /** Inverted residual blocks, depthwise convs and gates across blocks: the cut rule is the graph's, not a ResNet's. */
  @Test
  void theMobileNetV2SearchMakesTheSameDecisions() {
    MobileNetV2Architecture arch = MobileNetV2Architecture.of(MobileNetV2Spec.of("MobileNetV2-0.5", 10));
    Map<String, FloatArray> weights;
    try (Model plain = Model.create(arch, SessionOptions.DEFAULT, 7)) {
      weights = plain.weights();
    }
    Random random = new Random(3);
    int n = 40;
    float[] images = new float[n * CifarDataset.IMAGE_BYTES];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) random.nextGaussian();
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 10;
    }
    try (Model model = Model.gated(arch, weights, SessionOptions.DEFAULT)) {
      assertSameDecisions(model, new ValidationSet(images, labels, CifarDataset.IMAGE_BYTES, 32), 32);
    }
  }

  /** A ResNet block's inner gate: its first masked node is the block's first conv, and the cut before it is the block's input. */
  @Test
  void aBlockGateIsCutAtItsBlocksInput() throws IOException {
    Map<String, FloatArray> weights = PickleWeights.read(Goldens.pretrainedResNet56());
    Architecture arch = ResNetArchitecture.fromWeights(ResNetSpec.of("ResNet-56", 10), weights, "res56");
    try (Model model = Model.gated(arch, weights, SessionOptions.DEFAULT)) {
      NetworkGraph network = model.network();
      LayerGraph layers = network.layerGraph();
      int checked = 0;
      for (int gate = 0; gate < network.gates().size(); gate++) {
        LayerGraph.Node first = layers.node(network.firstNodeMaskedBy(gate));
        List<Integer> cut = layers.readAcross(first.id());
        if (cut.size() == 1 && cut.get(0) == first.input()) {
          checked++;
        }
      }
      assertTrue(checked >= 27, "gates cut at their first conv's input: " + checked + " of 30");
    }
  }
}
