package dev.ekg.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.DeterministicWeights;
import dev.ekg.criteria.AllocationPolicy;
import dev.ekg.criteria.MagnitudeCriterion;
import dev.ekg.criteria.ScoreNormalization;
import dev.ekg.data.CifarDataset;
import dev.ekg.data.ValidationSet;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.ChannelRounding;
import dev.ekg.io.FloatArray;
import dev.ekg.method.MagnitudePruning;
import dev.ekg.model.Architecture;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkSpec;
import dev.ekg.runtime.SessionOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --round_to} end to end on a ResNet-20 with deterministic weights: the EKG search and both
 * magnitude allocations keep a multiple of N channels in every gate (or all of them), reach the
 * FLOPs target, and the physically pruned network computes the masked network's logits.
 */
class RoundedPruningTest {
  private static final NetworkSpec SPEC = NetworkSpec.parse("ResNet-20", 10);
  private static final Architecture ARCH = SPEC.unpruned();
  private static final Map<String, FloatArray> WEIGHTS = DeterministicWeights.weights(ARCH, 31);
  private static final double TARGET = 0.5;

  private static void assertAllowed(int[] kept, ChannelRounding rounding, String label) {
    for (ChannelGroups.Group group : ARCH.channelGroups().groups()) {
      int count = kept[group.index()];
      assertTrue(count == group.channels() || (count % rounding.multiple() == 0 && count >= rounding.multiple()),
          label + ": gate " + group.index() + " keeps " + count + " of " + group.channels());
    }
  }

  private static double flopsRatio(int[] kept) {
    ChannelGroups groups = ARCH.channelGroups();
    return (double) groups.complexity(kept).flops() / ARCH.complexity().flops();
  }

  @Test
  void theEkgSearchKeepsMultiplesOfNAndReachesTheTarget() {
    ChannelRounding four = new ChannelRounding(4);
    FloatArray images = DeterministicWeights.images(37, 40, ARCH.inputSize());
    int[] labels = IntStream.range(0, 40).map(i -> i % 10).toArray();
    ValidationSet val = new ValidationSet(images.data(), labels, CifarDataset.IMAGE_BYTES, 20);
    List<EkgSearch.Step> steps = new ArrayList<>();
    List<int[]> kept = new ArrayList<>();
    EkgSearch.Result result;
    try (Model model = Model.gated(ARCH, WEIGHTS, SessionOptions.DEFAULT)) {
      SearchGraph graph = new SearchGraph(model, 20, true);
      EkgSearch search = new EkgSearch(model, graph, graph, val,
          new EkgSearch.Settings(TARGET, 0.2, PruningCost.SPEC_SLICE, four));
      result = search.run((step, state) -> {
        steps.add(step);
        kept.add(state.current().keptCounts());
      });
    }
    assertTrue(steps.size() >= 3, steps.size() + " steps");
    int[] before = ARCH.channelGroups().groups().stream().mapToInt(ChannelGroups.Group::channels).toArray();
    double rate = 1;
    for (int s = 0; s < steps.size(); s++) {
      String label = "step " + (s + 1);
      int[] now = kept.get(s);
      assertAllowed(now, four, label);
      int gate = steps.get(s).gate();
      assertTrue(now[gate] < before[gate], label + " narrows gate " + gate);
      assertEquals(flopsRatio(now), steps.get(s).flopsRate(), label + ": the logged rate is the kept counts'");
      assertTrue(steps.get(s).flopsRate() < rate, label + ": the FLOPs fall");
      rate = steps.get(s).flopsRate();
      before = now;
    }
    assertTrue(rate <= TARGET, "the search ends at or below the target: " + rate);
    float[][] masks = result.last().masks();
    assertAllowed(counts(PhysicalPruning.keptIndices(masks)), four, "the final sub-network");
    PrunedEqualsMaskedTest.assertPrunedIsMasked(SPEC, WEIGHTS, masks, 1e-5, "ResNet-20 searched with --round_to 4");
  }

  @ParameterizedTest
  @EnumSource(AllocationPolicy.class)
  void magnitudeAllocationsKeepMultiplesOfNAndMeetTheTarget(AllocationPolicy policy) {
    ChannelRounding eight = new ChannelRounding(8);
    int[][] kept = new MagnitudePruning(MagnitudeCriterion.L1, ScoreNormalization.MEAN, policy, eight)
        .select(ARCH, WEIGHTS, TARGET).keptChannels();
    int[] counts = counts(kept);
    assertAllowed(counts, eight, policy.cliName());
    assertTrue(flopsRatio(counts) <= TARGET, policy.cliName() + ": " + flopsRatio(counts));
    PrunedEqualsMaskedTest.assertPrunedIsMasked(SPEC, WEIGHTS, masks(kept), 1e-5, policy.cliName() + " --round_to 8");
  }

  private static int[] counts(int[][] kept) {
    return Arrays.stream(kept).mapToInt(k -> k.length).toArray();
  }

  private static float[][] masks(int[][] kept) {
    float[][] masks = new float[kept.length][];
    for (ChannelGroups.Group group : ARCH.channelGroups().groups()) {
      masks[group.index()] = new float[group.channels()];
      for (int c : kept[group.index()]) {
        masks[group.index()][c] = 1f;
      }
    }
    return masks;
  }
}
