package dev.ekg.criteria;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.ChannelRounding;
import dev.ekg.io.FloatArray;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class UniformAllocationTest {
  private final Map<String, FloatArray> weights = MagnitudeGoldens.weights();
  private final ChannelGroups groups = MagnitudeGoldens.groups(weights);
  private final JsonNode golden = MagnitudeGoldens.allocation();

  private float[][] scores(MagnitudeCriterion criterion) {
    return new MagnitudeScorer(criterion).scores(groups, ScoringContext.ofWeights(weights));
  }

  @Test
  void theOraclesCountsAndChannelsAtHalfTheFlops() {
    assertEquals(golden.get("full").get("flops").asLong(),
        groups.complexity(new int[] {8, 8, 16, 16, 32, 32}).flops(), "§4.5 FLOPs of the unpruned net");
    JsonNode uniform = golden.get("uniform");
    for (MagnitudeCriterion criterion : MagnitudeCriterion.values()) {
      int[][] kept = new UniformAllocation(0.1).keep(groups, scores(criterion), 0.5);
      assertArrayEquals(MagnitudeGoldens.ints(uniform.get("kept_counts")), MagnitudeGoldens.counts(kept));
      assertArrayEquals(MagnitudeGoldens.intLists(uniform.get("kept").get(criterion.cliName())), kept,
          criterion.cliName());
      assertEquals(uniform.get("flops").asLong(), groups.complexity(MagnitudeGoldens.counts(kept)).flops());
      AllocationChecks.assertMeetsTarget(groups, kept, 0.5, 0.1);
    }
  }

  @Test
  void everyGroupKeepsTheSameRoundedUpFractionAboveItsFloor() {
    // 5/8 at 0.5 (the golden); at 0.1 the fraction is 1/4: 2, 2, 4, 4, 8, 8
    int[][] kept = new UniformAllocation().keep(groups, scores(MagnitudeCriterion.L1), 0.1);
    assertArrayEquals(new int[] {2, 2, 4, 4, 8, 8}, MagnitudeGoldens.counts(kept));
    AllocationChecks.assertMeetsTarget(groups, kept, 0.1, 0.1);
    // floors 1, 1, 2, 2, 4, 4 (ceil(0.1·C)) bind at a target just above what they reach
    int[][] atFloors = new UniformAllocation().keep(groups, scores(MagnitudeCriterion.L1), 0.026);
    assertArrayEquals(MagnitudeGoldens.ints(golden.get("floors")), MagnitudeGoldens.counts(atFloors));
  }

  @Test
  void tiedScoresKeepTheLowerIndices() {
    float[][] equal = new float[groups.size()][];
    for (ChannelGroups.Group group : groups.groups()) {
      equal[group.index()] = new float[group.channels()];
      Arrays.fill(equal[group.index()], 0.5f);
    }
    int[][] kept = new UniformAllocation().keep(groups, equal, 0.5);
    for (int[] k : kept) {
      assertArrayEquals(IntStream.range(0, k.length).toArray(), k);
    }
  }

  @Test
  void aTargetBelowTheFloorsIsRefusedWithTheBestReachableRate() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new UniformAllocation().keep(groups, scores(MagnitudeCriterion.L2), 0.02));
    assertEquals("--search_target_rate 0.02 is out of reach: the floor of max(1, ceil(0.1·C)) channels per group"
        + " reaches 0.0257 at best", e.getMessage());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> new UniformAllocation().keep(groups, scores(MagnitudeCriterion.L2), 0));
    assertEquals("--search_target_rate must be in (0, 1], got 0.0", zero.getMessage());
    IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class, () -> new UniformAllocation(1.5));
    assertEquals("the minimum kept fraction must be in [0, 1], got 1.5", fraction.getMessage());
  }

  @Test
  void aFullTargetKeepsEveryChannel() {
    int[][] kept = new UniformAllocation().keep(groups, scores(MagnitudeCriterion.L1), 1.0);
    assertArrayEquals(new int[] {8, 8, 16, 16, 32, 32}, MagnitudeGoldens.counts(kept));
  }

  @Test
  void theKeptChannelsPruneToANetworkOfTheCountedComplexity() {
    int[][] kept = new UniformAllocation().keep(groups, scores(MagnitudeCriterion.BN_SCALE), 0.5);
    AllocationChecks.assertPrunedComplexity(MagnitudeGoldens.SPEC, groups, weights, kept);
  }

  /**
   * --round_to 4: each ceil(f·C) rounded down. At 0.5 the largest f is 7/8 (7, 14, 28 → 4, 12, 28):
   * the 8-channel groups can only keep 4 or 8.
   */
  @Test
  void roundedCountsAreMultiplesAndMeetTheTarget() {
    ChannelRounding four = new ChannelRounding(4);
    for (double target : new double[] {0.5, 0.3, 0.2}) {
      int[][] kept = new UniformAllocation(0.1, four).keep(groups, scores(MagnitudeCriterion.L1), target);
      AllocationChecks.assertMultiplesMeetingTarget(groups, kept, target, 0.1, four, "uniform at " + target);
      if (target == 0.5) {
        assertArrayEquals(new int[] {4, 4, 12, 12, 28, 28}, MagnitudeGoldens.counts(kept));
      }
    }
  }
}
