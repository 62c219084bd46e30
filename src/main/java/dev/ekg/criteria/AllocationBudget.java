package dev.ekg.criteria;

import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.ChannelRounding;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * The constraints every {@link Allocation} meets: the FLOPs target, the per-group floors and the
 * kept counts {@code --round_to} allows (floors rounded up, chosen counts down: {@link ChannelRounding}).
 */
final class AllocationBudget {
  private final ChannelGroups groups;
  private final double maxFlops;
  private final int[] floors;
  private final ChannelRounding rounding;

  /**
   * @throws IllegalArgumentException naming {@code --search_target_rate} when the rate is not in
   *     (0, 1] or the floors alone exceed it
   */
  AllocationBudget(ChannelGroups groups, double targetRate, double minFraction, ChannelRounding rounding) {
    if (!(targetRate > 0 && targetRate <= 1)) {
      throw new IllegalArgumentException("--search_target_rate must be in (0, 1], got " + targetRate);
    }
    this.groups = groups;
    this.rounding = rounding;
    long fullFlops = groups.complexity(channels()).flops();
    this.maxFlops = targetRate * fullFlops;
    this.floors = new int[groups.size()];
    BigDecimal fraction = BigDecimal.valueOf(minFraction);
    for (ChannelGroups.Group group : groups.groups()) {
      int atLeast =
          fraction.multiply(BigDecimal.valueOf(group.channels())).setScale(0, RoundingMode.CEILING).intValue();
      floors[group.index()] = rounding.up(Math.max(1, atLeast), group.channels());
    }
    if (!fits(floors)) {
      double reachable = (double) groups.complexity(floors).flops() / fullFlops;
      String rounded = rounding.isNone() ? "" : " rounded up to a multiple of --round_to " + rounding.multiple();
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "--search_target_rate %s is out of reach: the floor of max(1, ceil(%s·C)) channels per group%s"
              + " reaches %.4f at best", targetRate, minFraction, rounded, reachable));
    }
  }

  /** @throws IllegalArgumentException when {@code minFraction} is not in [0, 1] */
  static double checkMinFraction(double minFraction) {
    if (!(minFraction >= 0 && minFraction <= 1)) {
      throw new IllegalArgumentException("the minimum kept fraction must be in [0, 1], got " + minFraction);
    }
    return minFraction;
  }

  /** Whether keeping {@code kept[g]} channels of every group g meets the FLOPs target. */
  boolean fits(int[] kept) {
    return groups.complexity(kept).flops() <= maxFlops;
  }

  int floor(int group) {
    return floors[group];
  }

  /** The counts kept for the chosen {@code counts}: each rounded down, never below its group's floor. */
  int[] kept(int[] counts) {
    int[] kept = new int[counts.length];
    for (ChannelGroups.Group group : groups.groups()) {
      int g = group.index();
      kept[g] = Math.max(floors[g], rounding.down(counts[g], group.channels()));
    }
    return kept;
  }

  /** The unpruned counts: every group's channels. */
  int[] channels() {
    return groups.groups().stream().mapToInt(ChannelGroups.Group::channels).toArray();
  }
}
