package dev.ekg.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.graph.ChannelRounding;
import dev.ekg.model.GatePlan;
import dev.ekg.model.MobileNetV2Architecture;
import dev.ekg.model.MobileNetV2Spec;
import dev.ekg.nn.ChannelMasks;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The search's narrowing with --round_to, on the host: costs, candidates, fine search, whole greedy runs. */
class RoundedNarrowingTest {
  private static final GatePlan RESNET20 = SearchHostGoldens.resnet(20);

  private static RoundedNarrowing narrowing(GatePlan plan, double target, int multiple) {
    return new RoundedNarrowing(plan, GateSteps.of(plan, 0.2), FineSearch.of(plan, 0.2, target), target,
        new ChannelRounding(multiple));
  }

  /** Every gate at these counts (ranks in channel order: only the counts matter here). */
  private static SubNetwork keeping(GatePlan plan, int[] kept) {
    SearchWidth[] widths = new SearchWidth[kept.length];
    int[][] orders = new int[kept.length][];
    for (int g = 0; g < kept.length; g++) {
      int channels = plan.gates().get(g).channels();
      widths[g] = kept[g] == channels ? SearchWidth.FULL : new SearchWidth(ChannelMasks.rateKeeping(channels, kept[g]), false);
      orders[g] = IntStream.range(0, channels).toArray();
    }
    return new SubNetwork(widths, orders, 0);
  }

  private static int[] full(GatePlan plan) {
    return plan.gates().stream().mapToInt(GatePlan.GateSpec::channels).toArray();
  }

  private static double ratio(GatePlan plan, int[] kept) {
    return (double) plan.complexity(kept).flops() / plan.fullComplexity().flops();
  }

  private static int keptBy(GatePlan plan, int gate, SearchWidth width) {
    return ChannelMasks.keptCount(plan.gates().get(gate).channels(), width.rate());
  }

  /**
   * ResNet-20, far from the target: a conv1 gate's step 0.2 keeps 13 of 16, rounded down to 12; the
   * stem group's 1/16 keeps 15, rounded down to 12 too; a 64-channel conv1 keeps 52 (a multiple).
   */
  @Test
  void aCandidateKeepsTheDecrementsCountRoundedDown() {
    RoundedNarrowing four = narrowing(RESNET20, 0.1, 4);
    SubNetwork unpruned = keeping(RESNET20, full(RESNET20));
    assertEquals(12, keptBy(RESNET20, 1, four.candidate(1, unpruned)));
    assertEquals(12, keptBy(RESNET20, 0, four.candidate(0, unpruned)));
    assertEquals(52, keptBy(RESNET20, 9, four.candidate(9, unpruned)));
    assertEquals(8, keptBy(RESNET20, 1, narrowing(RESNET20, 0.1, 8).candidate(1, unpruned)));
  }

  /** Below the target the candidate widens again by N at a time: the widest count at or under it, below the current one. */
  @Test
  void theFineSearchMovesInMultiplesOfNToTheTarget() {
    int[] kept = full(RESNET20);
    int[] at56 = kept.clone();
    at56[9] = 56;
    double target = ratio(RESNET20, at56);
    SubNetwork unpruned = keeping(RESNET20, kept);
    assertEquals(56, keptBy(RESNET20, 9, narrowing(RESNET20, target, 4).candidate(9, unpruned)), "exactly at the target");
    assertEquals(56, keptBy(RESNET20, 9, narrowing(RESNET20, Math.nextUp(target), 4).candidate(9, unpruned)));
    assertEquals(52, keptBy(RESNET20, 9, narrowing(RESNET20, Math.nextDown(target), 4).candidate(9, unpruned)),
        "56 is over the target: the decrement's 52");
    int[] at60 = kept.clone();
    at60[9] = 60;
    assertEquals(60, keptBy(RESNET20, 9, narrowing(RESNET20, ratio(RESNET20, at60), 4).candidate(9, unpruned)),
        "never back to the current count");
  }

  @Test
  void aGateAtNOrNarrowerThanNCannotBeNarrowed() {
    int[] kept = full(RESNET20);
    kept[1] = 4;
    kept[2] = 8;
    float[][] scores = new float[kept.length][];
    for (int g = 0; g < kept.length; g++) {
      scores[g] = new float[RESNET20.gates().get(g).channels()];
      Arrays.fill(scores[g], 1f);
    }
    double[] costs = narrowing(RESNET20, 0.45, 4).costs(PruningCost.SPEC_SLICE, scores, keeping(RESNET20, kept));
    assertEquals(PruningCost.NOT_PRUNABLE, costs[1], "at N");
    assertEquals(4.0, costs[2], "8 → 4: four channels of score 1");
    assertEquals(4.0, costs[0], "16 → 12");
    double[] wide = narrowing(RESNET20, 0.45, 32).costs(PruningCost.SPEC_SLICE, scores, keeping(RESNET20, full(RESNET20)));
    for (int g = 0; g < wide.length; g++) {
      boolean narrower = RESNET20.gates().get(g).channels() <= 32;
      assertEquals(narrower, wide[g] == PruningCost.NOT_PRUNABLE, "gate " + g + " with --round_to 32");
    }
  }

  /**
   * A greedy search on the host (random costs decide which shortlisted gate goes): every step narrows
   * its gate to an allowed count, the FLOPs fall every step, and it ends at or below the target.
   * MobileNetV2-0.5 has groups of 12, 20 and 40 channels, whose 1/C decrements round back up to C
   * in {@code round(·, 5)} (11/12 → 0.91667 keeps 12): the step still removes channels.
   */
  @ParameterizedTest(name = "{0} to {1} with --round_to {2}")
  @CsvSource({"ResNet-20, 0.45, 4", "ResNet-20, 0.2, 8", "ResNet-56, 0.3, 4", "MobileNetV2-0.5, 0.45, 4",
      "MobileNetV2-0.5, 0.3, 8"})
  void aGreedySearchReachesTheTargetInAllowedCounts(String arch, double target, int multiple) {
    GatePlan plan = arch.startsWith("ResNet")
        ? SearchHostGoldens.resnet(Integer.parseInt(arch.substring(7)))
        : GatePlan.of(MobileNetV2Architecture.of(MobileNetV2Spec.of(arch, 10)));
    ChannelRounding rounding = new ChannelRounding(multiple);
    RoundedNarrowing narrowing = narrowing(plan, target, multiple);
    Random random = new Random(multiple);
    SubNetwork current = keeping(plan, full(plan));
    double rate = 1;
    int steps = 0;
    while (rate > target) {
      float[][] scores = new float[plan.size()][];
      for (int g = 0; g < scores.length; g++) {
        scores[g] = new float[plan.gates().get(g).channels()];
        for (int c = 0; c < scores[g].length; c++) {
          scores[g][c] = random.nextFloat();
        }
      }
      double[] costs = narrowing.costs(PruningCost.SPEC_SLICE, scores, current);
      boolean[] shortlist = TrimmedOtsu.shortlist(costs);
      int[] candidates = IntStream.range(0, costs.length).filter(g -> shortlist[g]).toArray();
      assertTrue(candidates.length > 0, "a gate to narrow while the rate " + rate + " is above the target");
      int gate = candidates[random.nextInt(candidates.length)];
      SearchWidth[] widths = current.widths().clone();
      widths[gate] = narrowing.candidate(gate, current);
      SubNetwork next = new SubNetwork(widths, current.orders(), 0);
      int[] before = current.keptCounts();
      int[] after = next.keptCounts();
      assertTrue(after[gate] < before[gate], "step " + steps + " narrows gate " + gate);
      for (int g = 0; g < after.length; g++) {
        int channels = plan.gates().get(g).channels();
        assertEquals(after[g], rounding.down(after[g], channels), "gate " + g + " keeps " + after[g] + " of " + channels);
        assertTrue(g == gate || after[g] == before[g]);
      }
      double nextRate = ratio(plan, after);
      assertEquals(FineSearch.of(plan, 0.2, target).flopsRatio(next.rates()), nextRate, "the widths keep these counts");
      assertTrue(nextRate < rate, "the FLOPs fall");
      rate = nextRate;
      current = next;
      steps++;
    }
    assertTrue(rate <= target, rate + " > " + target);
    EkgSearch.requireReachable(plan, new EkgSearch.Settings(target, 0.2, PruningCost.SPEC_SLICE, rounding));
  }

  @Test
  void aTargetBelowEveryGateAtItsFewestChannelsIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EkgSearch.requireReachable(RESNET20, new EkgSearch.Settings(0.2, 0.2, PruningCost.SPEC_SLICE,
            new ChannelRounding(16))));
    assertEquals("--search_target_rate 0.2 is out of reach with --round_to 16: every gate at its fewest channels (16, "
        + "or all of a narrower group) keeps 0.4708 of the FLOPs", e.getMessage());
  }
}
