package dev.ekg.criteria;

import dev.ekg.graph.ChannelGroups;

/**
 * Turns channel scores into the channels to keep so that the network meets a FLOPs target: how
 * many channels each group keeps is the policy's choice ({@link UniformAllocation}, {@link
 * GlobalAllocation}); which ones is always the group's highest-scored, ties to the lower channel
 * index (the rank of {@link dev.ekg.nn.ChannelMasks#order}). The result feeds {@link
 * dev.ekg.prune.PhysicalPruning#prune}.
 *
 * <p>Every group keeps at least its floor, {@code max(1, ceil(minFraction·C))} channels of its C
 * ({@code minFraction·C} taken on the decimal value of minFraction, so 0.1·30 is 3): a group
 * emptied would cut the network, and a global ranking would otherwise strip whole layers whose
 * scores happen to be small. With {@code --round_to N} ({@link dev.ekg.graph.ChannelRounding}) the
 * floor is rounded up to a multiple of N and every other count down, so a pruned group keeps a
 * multiple of N and an unpruned one all its channels.
 */
public interface Allocation {
  /** The minimum fraction of every group's channels kept unless a policy is given another. */
  double DEFAULT_MIN_FRACTION = 0.1;

  /**
   * @param scores one score per channel of every group (higher = more important), as a {@link
   *     ChannelScorer} gives them
   * @param targetRate the FLOPs of the result as a fraction of the unpruned network's, in (0, 1]
   * @return per group the indices of its kept channels, ascending
   * @throws IllegalArgumentException naming {@code --search_target_rate} when even the floors
   *     exceed the target, with the best rate they reach
   */
  int[][] keep(ChannelGroups groups, float[][] scores, double targetRate);
}
