package dev.ekg.criteria;

import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.ChannelRounding;
import dev.ekg.nn.ChannelMasks;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Ranks the channels of all groups against each other: starting from the unpruned network, it
 * removes the lowest-scored remaining channel of the whole network, one at a time, until the FLOPs
 * target is met; a group at its floor gives up no more channels. Ties go to the lower group index;
 * inside a group the channel removed is always the one {@link ChannelMasks#order} ranks last (of
 * equal scores the higher index), so every group keeps its top-ranked channels.
 *
 * <p>With {@code --round_to} every group's count is rounded down ({@link ChannelRounding}) before
 * the target is checked, so the removal stops at the first channel whose group's rounded count
 * meets it: a group gives up N channels once the lowest of them comes up.
 *
 * <p>The scores are compared across groups as given: normalise them per group first ({@link
 * ScoreNormalization}) unless their scales agree.
 */
public final class GlobalAllocation implements Allocation {
  private final double minFraction;
  private final ChannelRounding rounding;

  public GlobalAllocation() {
    this(DEFAULT_MIN_FRACTION);
  }

  /** @param minFraction the per-group floor's fraction, in [0, 1] (see {@link Allocation}) */
  public GlobalAllocation(double minFraction) {
    this(minFraction, ChannelRounding.NONE);
  }

  /** @param rounding the kept counts allowed ({@code --round_to}) */
  public GlobalAllocation(double minFraction, ChannelRounding rounding) {
    this.minFraction = AllocationBudget.checkMinFraction(minFraction);
    this.rounding = rounding;
  }

  /** The next channel a group would give up: its lowest-ranked kept one. */
  private record Candidate(int group, float score) {
    static final Comparator<Candidate> REMOVAL_ORDER =
        Comparator.comparingDouble(Candidate::score).thenComparingInt(Candidate::group);
  }

  @Override
  public int[][] keep(ChannelGroups groups, float[][] scores, double targetRate) {
    KeptChannels.checkScores(groups, scores);
    AllocationBudget budget = new AllocationBudget(groups, targetRate, minFraction, rounding);
    int[][] byRank = byRank(scores);
    int[] kept = budget.channels();
    PriorityQueue<Candidate> next = new PriorityQueue<>(Candidate.REMOVAL_ORDER);
    for (int g = 0; g < kept.length; g++) {
      offer(next, g, kept[g], budget, byRank, scores);
    }
    // the floors fit, so the queue holds a candidate while the target is not met
    while (!budget.fits(budget.kept(kept))) {
      int g = next.remove().group();
      kept[g]--;
      offer(next, g, kept[g], budget, byRank, scores);
    }
    return KeptChannels.highestScored(scores, budget.kept(kept));
  }

  private static void offer(
      PriorityQueue<Candidate> next, int g, int kept, AllocationBudget budget, int[][] byRank, float[][] scores) {
    if (kept > budget.floor(g)) {
      next.add(new Candidate(g, scores[g][byRank[g][kept - 1]]));
    }
  }

  /** {@code byRank[g][r]}: the channel of group g that {@link ChannelMasks#order} ranks r. */
  private static int[][] byRank(float[][] scores) {
    int[][] byRank = new int[scores.length][];
    for (int g = 0; g < scores.length; g++) {
      int[] order = ChannelMasks.order(scores[g]);
      byRank[g] = new int[order.length];
      for (int c = 0; c < order.length; c++) {
        byRank[g][order[c]] = c;
      }
    }
    return byRank;
  }
}
