package dev.ekg.criteria;

import dev.ekg.graph.ChannelGroups;

/**
 * A pruning criterion: it ranks the channels of every group of a network by how much the network
 * needs them. EKG's Taylor score with ensemble knowledge and the magnitude criteria ({@link
 * MagnitudeScorer}) are implementations, so an {@link Allocation} can turn the scores of any of
 * them into the channels to keep.
 */
public interface ChannelScorer {
  /**
   * One score per channel of every group, {@code scores[g][c]} for channel c of group g (in
   * {@link ChannelGroups#groups()} order); higher means more important.
   */
  float[][] scores(ChannelGroups groups, ScoringContext context);
}
