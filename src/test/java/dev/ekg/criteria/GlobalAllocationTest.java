package dev.ekg.criteria;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ekg.Goldens;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.ChannelRounding;
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
    int[][] kept = new GlobalAllocation().keep(resnet56, scores, 0.45);
    AllocationChecks.assertMeetsTarget(resnet56, kept, 0.45, 0.1);
    AllocationChecks.assertPrunedComplexity(spec, resnet56, pretrained, kept);
  }

  /**
   * --round_to 4 on groups of 8, 8, 16, 16, 32, 32: every count a multiple of 4 (floors 1, 2 and 4
   * rounded up to 4) and the target met.
   */
  @Test
  void roundedCountsAreMultiplesAndMeetTheTarget() {
    ChannelRounding four = new ChannelRounding(4);
    for (MagnitudeCriterion criterion : MagnitudeCriterion.values()) {
      float[][] scores = ScoreNormalization.MEAN.apply(
          new MagnitudeScorer(criterion).scores(groups, ScoringContext.ofWeights(weights)));
      for (double target : new double[] {0.5, 0.3, 0.2}) {
        String label = criterion.cliName() + " at " + target;
        int[][] kept = new GlobalAllocation(0.1, four).keep(groups, scores, target);
        AllocationChecks.assertMultiplesMeetingTarget(groups, kept, target, 0.1, four, label);
      }
    }
  }

  /**
   * Tied scores: groups 0 and 1 go down to their floors (4) first, then group 2's count drops by 4 as
   * soon as its first channel goes; at 8 it misses the target, at 4 it meets it.
   */
  @Test
  void roundedTiesGoToTheLowerGroup() {
    float[][] equal = new float[groups.size()][];
    for (ChannelGroups.Group group : groups.groups()) {
      equal[group.index()] = new float[group.channels()];
      Arrays.fill(equal[group.index()], 1f);
    }
    int[][] kept = new GlobalAllocation(0.1, new ChannelRounding(4)).keep(groups, equal, 0.5);
    assertArrayEquals(new int[] {4, 4, 4, 16, 32, 32}, MagnitudeGoldens.counts(kept));
    AllocationChecks.assertMultiplesMeetingTarget(groups, kept, 0.5, 0.1, new ChannelRounding(4), "ties");
    int[] eight = MagnitudeGoldens.counts(kept);
    eight[2] = 8;
    assertTrue(groups.complexity(eight).flops() > 0.5 * groups.complexity(new int[] {8, 8, 16, 16, 32, 32}).flops());
  }

  @Test
  void roundedFloorsOutOfReachAreRefusedNamingTheFlag() {
    float[][] scores = new MagnitudeScorer(MagnitudeCriterion.L1).scores(groups, ScoringContext.ofWeights(weights));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GlobalAllocation(0.1, new ChannelRounding(8)).keep(groups, scores, 0.1));
    assertEquals("--search_target_rate 0.1 is out of reach: the floor of max(1, ceil(0.1·C)) channels per group rounded"
        + " up to a multiple of --round_to 8 reaches 0.5582 at best", e.getMessage());
  }
}
