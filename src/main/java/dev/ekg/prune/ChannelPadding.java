package dev.ekg.prune;

import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.ChannelRounding;
import dev.ekg.io.FloatArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Zero channels appended to a physically pruned network so that every group holds a multiple of N
 * channels (at most its unpruned count): convolution kernels on irregular channel counts (13, 7, 1)
 * run far below their FLOPs on CPU kernels, which block channels by the SIMD width.
 *
 * <p>On batch statistics the padded network computes the unpadded one's logits: a zero channel's
 * kernel makes its convolution output 0, its batch norm (γ = β = 0) keeps it 0 whatever the batch's
 * statistics, every activation maps 0 to 0, and the next layers' zero rows add nothing. Its moving
 * statistics are zeros too, so it is meant for batch statistics only (the memory bank's teachers).
 */
public final class ChannelPadding {
  private ChannelPadding() {}

  /**
   * @param pruned weights sliced by {@link PhysicalPruning#prune} to {@code keptCounts}
   * @return {@code pruned} with every group padded to {@code multiple.up(kept, channels)}
   */
  public static LinkedHashMap<String, FloatArray> pad(
      ChannelGroups groups, Map<String, FloatArray> pruned, int[] keptCounts, ChannelRounding multiple) {
    int[] padded = new int[keptCounts.length];
    for (ChannelGroups.Group g : groups.groups()) {
      padded[g.index()] = multiple.up(keptCounts[g.index()], g.channels());
    }
    return PhysicalPruning.editChannels(
        groups, pruned, (array, axis, group) -> array.zeroPadded(axis, padded[group]), false);
  }
}
