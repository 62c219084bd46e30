package dev.ekg.prune;

import dev.ekg.graph.ChannelRounding;
import dev.ekg.model.GatePlan;
import dev.ekg.nn.ChannelMasks;

/**
 * The search's narrowing with {@code --round_to N} (N &gt; 1): every gate keeps a count that
 * {@link ChannelRounding} allows. A step narrows gate g from its k kept channels to the count of the
 * reference's decremented width {@code round(width − step, 5)} (§6.4(c) step 1), at least one
 * channel fewer than k, rounded down; a gate with no allowed count below k (at N channels, or a
 * group narrower than N) cannot be narrowed. The shortlist cost is that narrowing's slice of the
 * sorted scores ({@link PruningCost#cost(float[], int, int)}).
 *
 * <p>Fine search (as §6.4(c) step 2 lands at or below the target): when the narrowed count is
 * below the FLOPs target, the candidate widens again one allowed count (N channels) at a time,
 * while it stays below k and at or under the target. Every candidate removes channels, so the
 * FLOPs fall every step and the search ends at or below the target.
 *
 * <p>The candidate's width is a float32 rate that keeps exactly its count
 * ({@link ChannelMasks#rateKeeping}), so masks, FLOPs, the history and the prune phase read the
 * counts from the widths as they do without rounding.
 */
final class RoundedNarrowing implements GateNarrowing {
  private final GatePlan plan;
  private final GateSteps steps;
  private final FineSearch flops;
  private final double targetRate;
  private final ChannelRounding rounding;

  /** @param flops the FLOPs ratio of per-gate rates */
  RoundedNarrowing(GatePlan plan, GateSteps steps, FineSearch flops, double targetRate, ChannelRounding rounding) {
    this.plan = plan;
    this.steps = steps;
    this.flops = flops;
    this.targetRate = targetRate;
    this.rounding = rounding;
  }

  private int channels(int gate) {
    return plan.gates().get(gate).channels();
  }

  /** The count a step narrows {@code gate} to before the fine search: {@code kept} itself where it cannot. */
  private int narrowed(int gate, SubNetwork current, int kept) {
    SearchWidth decremented = current.widths()[gate].decrement(steps.step(gate));
    int count = ChannelMasks.keptCount(channels(gate), decremented.rate());
    return rounding.down(Math.min(count, kept - 1), channels(gate));
  }

  @Override
  public double[] costs(PruningCost cost, float[][] scores, SubNetwork current) {
    int[] kept = current.keptCounts();
    double[] costs = new double[kept.length];
    for (int g = 0; g < kept.length; g++) {
      int next = narrowed(g, current, kept[g]);
      costs[g] = next < kept[g] ? cost.cost(scores[g], kept[g], next) : PruningCost.NOT_PRUNABLE;
    }
    return costs;
  }

  @Override
  public SearchWidth candidate(int gate, SubNetwork current) {
    int c = channels(gate);
    int kept = current.keptCounts()[gate];
    int count = narrowed(gate, current, kept);
    float[] rates = current.rates();
    if (flopsRatio(rates, gate, count) < targetRate) {
      for (int wider = rounding.up(count + 1, c); wider < kept && !(flopsRatio(rates, gate, wider) > targetRate);
          wider = rounding.up(wider + 1, c)) {
        count = wider;
      }
    }
    return new SearchWidth(ChannelMasks.rateKeeping(c, count), false);
  }

  /** The FLOPs ratio with {@code gate} at {@code count} channels and every other gate at its rate. */
  private double flopsRatio(float[] rates, int gate, int count) {
    float[] trial = rates.clone();
    trial[gate] = ChannelMasks.rateKeeping(channels(gate), count);
    return flops.flopsRatio(trial);
  }
}
