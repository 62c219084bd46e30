package dev.ekg.criteria;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.ChannelRounding;
import dev.ekg.io.FloatArray;
import dev.ekg.model.ResNetArchitecture;
import dev.ekg.model.ResNetSpec;
import dev.ekg.prune.PhysicalPruning;
import java.util.Map;

/** What every allocation's result must satisfy. */
final class AllocationChecks {
  private AllocationChecks() {}

  /** Ascending distinct indices, the floors kept, and FLOPs within the target. */
  static void assertMeetsTarget(ChannelGroups groups, int[][] kept, double target, double minFraction) {
    for (ChannelGroups.Group group : groups.groups()) {
      int[] k = kept[group.index()];
      int floor = Math.max(1, (int) Math.ceil(minFraction * group.channels() - 1e-9));
      assertTrue(k.length >= floor, group.name() + " keeps " + k.length + " < floor " + floor);
      for (int i = 0; i < k.length; i++) {
        assertTrue(k[i] >= 0 && k[i] < group.channels() && (i == 0 || k[i] > k[i - 1]), group.name() + " indices");
      }
    }
    long full = groups.complexity(groups.groups().stream().mapToInt(ChannelGroups.Group::channels).toArray()).flops();
    long flops = groups.complexity(MagnitudeGoldens.counts(kept)).flops();
    assertTrue(flops <= target * full, flops + " FLOPs > " + target + " · " + full);
  }

  /** {@link #assertMeetsTarget}, and every count one that {@code rounding} allows: a multiple of N, or the group's width. */
  static void assertMultiplesMeetingTarget(
      ChannelGroups groups, int[][] kept, double target, double minFraction, ChannelRounding rounding, String label) {
    assertMeetsTarget(groups, kept, target, minFraction);
    for (ChannelGroups.Group group : groups.groups()) {
      int count = kept[group.index()].length;
      assertTrue(count == group.channels() || (count % rounding.multiple() == 0 && count >= rounding.multiple()),
          label + ": " + group.name() + " keeps " + count + " of " + group.channels());
    }
  }

  /** The physically pruned weights load as a network whose complexity is the groups' count. */
  static void assertPrunedComplexity(
      ResNetSpec spec, ChannelGroups groups, Map<String, FloatArray> weights, int[][] kept) {
    Map<String, FloatArray> slim = PhysicalPruning.prune(groups, weights, kept);
    ResNetArchitecture pruned = ResNetArchitecture.fromWeights(spec, slim, "pruned");
    assertEquals(groups.complexity(MagnitudeGoldens.counts(kept)), pruned.complexity());
  }
}
