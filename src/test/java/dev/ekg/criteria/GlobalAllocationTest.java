package dev.ekg.criteria;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ekg.Goldens;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.FloatArray;
import dev.ekg.io.PickleWeights;
import dev.ekg.model.ResNetArchitecture;
import dev.ekg.model.ResNetSpec;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GlobalAllocationTest {
  private final Map<String, FloatArray> weights = MagnitudeGoldens.weights();
  private final ChannelGroups groups = MagnitudeGoldens.groups(weights);

  @Test
  void theOraclesChannelsForEveryCriterionAndNormalization() {
    JsonNode golden = MagnitudeGoldens.allocation().get("global");
    for (MagnitudeCriterion criterion : MagnitudeCriterion.values()) {
      float[][] raw = new MagnitudeScorer(criterion).scores(groups, ScoringContext.ofWeights(weights));
      for (ScoreNormalization normalization : ScoreNormalization.values()) {
        String label = criterion.cliName() + "/" + normalization.cliName();
        JsonNode expected = golden.get(label);
        int[][] kept = new GlobalAllocation(0.1).keep(groups, normalization.apply(raw), 0.5);
        assertArrayEquals(MagnitudeGoldens.ints(expected.get("kept_counts")), MagnitudeGoldens.counts(kept), label);
        assertArrayEquals(MagnitudeGoldens.intLists(expected.get("kept")), kept, label);
        assertEquals(expected.get("flops").asLong(), groups.complexity(MagnitudeGoldens.counts(kept)).flops(), label);
        AllocationChecks.assertMeetsTarget(groups, kept, 0.5, 0.1);
      }
    }
  }

  @Test
  void aGroupAtItsFloorGivesUpNoMore() {
    // per-group sums make the narrow groups' channels the largest, so the wide ones reach their floors
    float[][] scores = ScoreNormalization.SUM.apply(
        new MagnitudeScorer(MagnitudeCriterion.L1).scores(groups, ScoringContext.ofWeights(weights)));
    int[][] kept = new GlobalAllocation(0.25).keep(groups, scores, 0.5);
    assertEquals(8, kept[4].length, "ceil(0.25·32)");
    assertEquals(8, kept[5].length, "ceil(0.25·32)");
    AllocationChecks.assertMeetsTarget(groups, kept, 0.5, 0.25);
  }

  @Test
  void tiesGoToTheLowerGroupAndInsideAGroupToTheHigherIndex() {
    float[][] equal = new float[groups.size()][];
    for (ChannelGroups.Group group : groups.groups()) {
      equal[group.index()] = new float[group.channels()];
      Arrays.fill(equal[group.index()], 1f);
    }
    int[][] kept = new GlobalAllocation().keep(groups, equal, 0.5);
    // group 0 goes down to its floor before group 1 loses a channel; the target is met there
    assertArrayEquals(new int[] {1, 2, 16, 16, 32, 32}, MagnitudeGoldens.counts(kept));
    for (int[] k : kept) {
      assertArrayEquals(IntStream.range(0, k.length).toArray(), k, "the lower indices stay");
    }
    assertArrayEquals(kept, new GlobalAllocation().keep(groups, equal, 0.5), "deterministic");
  }

  @Test
  void aTargetBelowTheFloorsIsRefusedWithTheBestReachableRate() {
    float[][] scores = new MagnitudeScorer(MagnitudeCriterion.L1).scores(groups, ScoringContext.ofWeights(weights));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new GlobalAllocation().keep(groups, scores, 0.02));
    assertEquals("--search_target_rate 0.02 is out of reach: the floor of max(1, ceil(0.1·C)) channels per group"
        + " reaches 0.0257 at best", e.getMessage());
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> new GlobalAllocation().keep(groups, Arrays.copyOf(scores, 5), 0.5));
    assertEquals("expected scores of 6 groups, got 5", shape.getMessage());
  }

  @Test
  void thePretrainedResNet56PrunedByL1ToGlobalTargetLoadsWithTheCountedComplexity() throws IOException {
    ResNetSpec spec = ResNetSpec.of("ResNet-56", 10);
    Map<String, FloatArray> pretrained = PickleWeights.read(Goldens.pretrainedResNet56());
    ChannelGroups resnet56 =
        ChannelGroups.derive(ResNetArchitecture.fromWeights(spec, pretrained, "res56").layerGraph());
    float[][] scores = ScoreNormalization.MEAN.apply(
        new MagnitudeScorer(MagnitudeCriterion.L1).scores(resnet56, ScoringContext.ofWeights(pretrained)));
    long start = System.nanoTime();
    int[][] kept = new GlobalAllocation().keep(resnet56, scores, 0.45);
    assertTrue(System.nanoTime() - start < 5_000_000_000L, "global allocation of ResNet-56 takes seconds");
    AllocationChecks.assertMeetsTarget(resnet56, kept, 0.45, 0.1);
    AllocationChecks.assertPrunedComplexity(spec, resnet56, pretrained, kept);
  }
}
