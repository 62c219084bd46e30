package dev.ekg.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ekg.DeterministicWeights;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.ChannelRounding;
import dev.ekg.io.FloatArray;
import dev.ekg.model.Architecture;
import dev.ekg.model.NetworkSpec;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelPaddingTest {
  @Test
  void zeroPaddingAppendsZerosAlongTheAxis() {
    FloatArray a = new FloatArray(new int[] {2, 2}, new float[] {1, 2, 3, 4});
    assertArrayEquals(new float[] {1, 2, 0, 3, 4, 0}, a.zeroPadded(1, 3).data());
    assertArrayEquals(new float[] {1, 2, 3, 4, 0, 0}, a.zeroPadded(0, 3).data());
    assertArrayEquals(new int[] {2, 3}, a.zeroPadded(-1, 3).shape());
  }

  /** A pruned ResNet-20 padded to multiples of 8: every group's width, the kept values, zeros elsewhere. */
  @Test
  void everyGroupIsPaddedWithZeroChannelsToAMultipleOfN() {
    NetworkSpec spec = NetworkSpec.parse("ResNet-20", 10);
    Architecture arch = spec.unpruned();
    ChannelGroups groups = arch.channelGroups();
    float[][] masks = RandomMasks.draw(groups, new NumpyLegacyRandom(3));
    int[][] kept = PhysicalPruning.keptIndices(masks);
    int[] counts = Arrays.stream(kept).mapToInt(k -> k.length).toArray();
    Map<String, FloatArray> pruned = PhysicalPruning.prune(groups, DeterministicWeights.weights(arch, 4), kept);
    Map<String, FloatArray> padded = ChannelPadding.pad(groups, pruned, counts, new ChannelRounding(8));
    ChannelGroups paddedGroups = spec.fromWeights(padded, "padded").channelGroups();
    for (ChannelGroups.Group g : paddedGroups.groups()) {
      int expected = Math.min(groups.groups().get(g.index()).channels(), (counts[g.index()] + 7) / 8 * 8);
      assertEquals(expected, g.channels(), g.name());
    }
    for (Map.Entry<String, FloatArray> e : pruned.entrySet()) {
      FloatArray p = padded.get(e.getKey());
      double sumOfSquares = 0;
      for (float v : p.data()) {
        sumOfSquares += (double) v * v;
      }
      double original = 0;
      for (float v : e.getValue().data()) {
        original += (double) v * v;
      }
      assertEquals(original, sumOfSquares, 0, e.getKey() + ": padding adds only zeros");
      int[] shape = e.getValue().shape();
      FloatArray head = p;
      for (int axis = 0; axis < shape.length; axis++) {
        head = head.select(axis, java.util.stream.IntStream.range(0, shape[axis]).toArray());
      }
      assertEquals(e.getValue(), head, e.getKey() + ": the kept values keep their places");
    }
  }
}
