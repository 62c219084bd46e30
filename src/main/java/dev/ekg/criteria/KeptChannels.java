package dev.ekg.criteria;

import dev.ekg.graph.ChannelGroups;
import dev.ekg.nn.ChannelMasks;
import java.util.stream.IntStream;

/** Which channels an {@link Allocation} keeps once it has chosen how many: the top-scored ones. */
final class KeptChannels {
  private KeptChannels() {}

  /** @throws IllegalArgumentException unless there is one score per channel of every group */
  static void checkScores(ChannelGroups groups, float[][] scores) {
    if (scores.length != groups.size()) {
      throw new IllegalArgumentException("expected scores of " + groups.size() + " groups, got " + scores.length);
    }
    for (ChannelGroups.Group group : groups.groups()) {
      if (scores[group.index()].length != group.channels()) {
        throw new IllegalArgumentException("group " + group.index() + " (" + group.name() + ") has "
            + group.channels() + " channels, got " + scores[group.index()].length + " scores");
      }
    }
  }

  /**
   * Per group g the {@code counts[g]} channels ranked first by {@link ChannelMasks#order}
   * (descending score, ties to the lower index), ascending.
   */
  static int[][] highestScored(float[][] scores, int[] counts) {
    int[][] kept = new int[scores.length][];
    for (int g = 0; g < scores.length; g++) {
      int[] order = ChannelMasks.order(scores[g]);
      int count = counts[g];
      kept[g] = IntStream.range(0, order.length).filter(c -> order[c] < count).toArray();
    }
    return kept;
  }
}
