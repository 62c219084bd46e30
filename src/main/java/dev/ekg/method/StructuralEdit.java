package dev.ekg.method;

import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.FloatArray;
import dev.ekg.prune.PhysicalPruning;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a pruning method decides to remove, applied to weights by one function: today the kept
 * channels of every channel group (ascending indices, by group index).
 */
public record StructuralEdit(int[][] keptChannels) {
  public StructuralEdit {
    keptChannels = Arrays.stream(keptChannels).map(int[]::clone).toArray(int[][]::new);
  }

  @Override
  public int[][] keptChannels() {
    return Arrays.stream(keptChannels).map(int[]::clone).toArray(int[][]::new);
  }

  /** How many channels each group keeps. */
  public int[] keptCounts() {
    return Arrays.stream(keptChannels).mapToInt(k -> k.length).toArray();
  }

  /** The physically smaller weights (reference keys, sliced shapes) of the network {@code groups} belong to. */
  public LinkedHashMap<String, FloatArray> apply(ChannelGroups groups, Map<String, FloatArray> weights) {
    if (keptChannels.length != groups.size()) {
      throw new IllegalArgumentException(
          "the edit keeps channels of " + keptChannels.length + " groups, the network has " + groups.size());
    }
    return PhysicalPruning.prune(groups, weights, keptChannels);
  }
}
