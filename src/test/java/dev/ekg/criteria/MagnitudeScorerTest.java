package dev.ekg.criteria;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.Layer;
import dev.ekg.io.FloatArray;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class MagnitudeScorerTest {
  private final Map<String, FloatArray> weights = MagnitudeGoldens.weights();
  private final ChannelGroups groups = MagnitudeGoldens.groups(weights);

  @Test
  void theGoldensGroupStructureIsTheDerivedOne() {
    JsonNode expected = MagnitudeGoldens.scores().get("groups");
    assertEquals(expected.size(), groups.size());
    for (ChannelGroups.Group group : groups.groups()) {
      JsonNode e = expected.get(group.index());
      assertEquals(e.get("name").asText(), group.name());
      assertEquals(e.get("channels").asInt(), group.channels());
      assertEquals(strings(e.get("producers")), group.producers());
      List<String> batchNorms = group.members().stream()
          .filter(m -> groups.graph().node(m).layer() instanceof Layer.BatchNormalization)
          .toList();
      assertEquals(strings(e.get("batch_norms")), batchNorms, group.name());
    }
  }

  @Test
  void everyCriterionMatchesTheOracle() {
    for (MagnitudeCriterion criterion : MagnitudeCriterion.values()) {
      float[][] expected =
          MagnitudeGoldens.floatLists(MagnitudeGoldens.scores().get("criteria").get(criterion.cliName()).get("none"));
      float[][] actual = new MagnitudeScorer(criterion).scores(groups, ScoringContext.ofWeights(weights));
      assertClose(expected, actual, 1e-6, criterion.cliName());
    }
  }

  @Test
  void l1SumsTheProducersAbsoluteOutputSlices() {
    // group 0 is written by the stem and BasicBlock0.0/conv2: channel 3's score is the sum over both
    float[] stem = weights.get("conv/kernel:0").select(3, new int[] {3}).data();
    float[] conv2 = weights.get("BasicBlock0.0/conv2/kernel:0").select(3, new int[] {3}).data();
    double expected = 0;
    for (float w : stem) {
      expected += Math.abs(w);
    }
    for (float w : conv2) {
      expected += Math.abs(w);
    }
    float actual = new MagnitudeScorer(MagnitudeCriterion.L1).scores(groups, ScoringContext.ofWeights(weights))[0][3];
    assertEquals((float) expected, actual);
  }

  @Test
  void aMissingArrayIsNamed() {
    Map<String, FloatArray> partial = new HashMap<>(weights);
    partial.remove("BasicBlock1.0/bn3/gamma:0");
    ScoringContext context = ScoringContext.ofWeights(partial);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MagnitudeScorer(MagnitudeCriterion.BN_SCALE).scores(groups, context));
    assertEquals("weights have no key 'BasicBlock1.0/bn3/gamma:0'", e.getMessage());
  }

  @Test
  void theCriterionParsesItsCliNamesAndNamesTheFlagOtherwise() {
    assertEquals(MagnitudeCriterion.L1, MagnitudeCriterion.parse("l1"));
    assertEquals(MagnitudeCriterion.L2, MagnitudeCriterion.parse("l2"));
    assertEquals(MagnitudeCriterion.BN_SCALE, MagnitudeCriterion.parse("bn_scale"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MagnitudeCriterion.parse("L1"));
    assertEquals("--criterion must be one of l1, l2, bn_scale, got 'L1'", e.getMessage());
  }

  /** Per group, {@code max|a − e| / max|e| ≤ tolerance}. */
  static void assertClose(float[][] expected, float[][] actual, double tolerance, String label) {
    assertEquals(expected.length, actual.length, label + " groups");
    for (int g = 0; g < expected.length; g++) {
      assertEquals(expected[g].length, actual[g].length, label + " group " + g + " channels");
      double maxDiff = 0;
      double maxRef = 0;
      for (int c = 0; c < expected[g].length; c++) {
        maxDiff = Math.max(maxDiff, Math.abs((double) expected[g][c] - actual[g][c]));
        maxRef = Math.max(maxRef, Math.abs(expected[g][c]));
      }
      assertTrue(maxDiff <= tolerance * maxRef, label + " group " + g + ": max abs diff " + maxDiff + ", max " + maxRef);
    }
  }

  private static List<String> strings(JsonNode list) {
    return StreamSupport.stream(list.spliterator(), false).map(JsonNode::asText).toList();
  }
}
