package dev.ekg.criteria;

import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.ChannelRounding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps the same fraction f of every group: group g keeps {@code max(floor_g, ceil(f·C_g))} of its
 * {@code C_g} channels, with the largest f whose network meets the FLOPs target. The counts change
 * only where f·C_g crosses an integer, so f is searched exactly among the fractions k/C_g
 * (bisection, FLOPs growing with f), which makes the answer channel-exact and deterministic.
 * Rounding up keeps every group at least the fraction f, as the gate masks of §4.6 do. With
 * {@code --round_to} each {@code ceil(f·C_g)} is then rounded down ({@link ChannelRounding}), which
 * keeps the counts growing with f.
 */
public final class UniformAllocation implements Allocation {
  private final double minFraction;
  private final ChannelRounding rounding;

  public UniformAllocation() {
    this(DEFAULT_MIN_FRACTION);
  }

  /** @param minFraction the per-group floor's fraction, in [0, 1] (see {@link Allocation}) */
  public UniformAllocation(double minFraction) {
    this(minFraction, ChannelRounding.NONE);
  }

  /** @param rounding the kept counts allowed ({@code --round_to}) */
  public UniformAllocation(double minFraction, ChannelRounding rounding) {
    this.minFraction = AllocationBudget.checkMinFraction(minFraction);
    this.rounding = rounding;
  }

  @Override
  public int[][] keep(ChannelGroups groups, float[][] scores, double targetRate) {
    KeptChannels.checkScores(groups, scores);
    AllocationBudget budget = new AllocationBudget(groups, targetRate, minFraction, rounding);
    List<Fraction> fractions = candidates(groups);
    // fractions.get(0) = 0 keeps the floors, which fit; find the last fraction that fits
    int lo = 0;
    int hi = fractions.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (budget.fits(counts(groups, budget, fractions.get(mid)))) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return KeptChannels.highestScored(scores, counts(groups, budget, fractions.get(lo)));
  }

  /** Every k/C for the groups' channel counts C and k = 0…C, ascending. */
  private static List<Fraction> candidates(ChannelGroups groups) {
    List<Fraction> fractions = new ArrayList<>();
    groups.groups().stream().mapToInt(ChannelGroups.Group::channels).distinct().forEach(c -> {
      for (int k = 0; k <= c; k++) {
        fractions.add(new Fraction(k, c));
      }
    });
    fractions.sort(Fraction.ASCENDING);
    return fractions;
  }

  private static int[] counts(ChannelGroups groups, AllocationBudget budget, Fraction f) {
    int[] counts = new int[groups.size()];
    for (ChannelGroups.Group group : groups.groups()) {
      counts[group.index()] = f.ceilTimes(group.channels());
    }
    return budget.kept(counts);
  }

  /** The exact fraction {@code numerator / denominator}, denominator > 0. */
  private record Fraction(long numerator, long denominator) {
    static final Comparator<Fraction> ASCENDING =
        (a, b) -> Long.compare(a.numerator * b.denominator, b.numerator * a.denominator);

    /** {@code ceil(this · n)}. */
    int ceilTimes(int n) {
      return Math.toIntExact((numerator * n + denominator - 1) / denominator);
    }
  }
}
