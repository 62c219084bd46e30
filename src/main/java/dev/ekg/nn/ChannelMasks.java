package dev.ekg.nn;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Host-side gate arithmetic of reference §4.6: channel ranks, kept counts and {0,1} masks. */
public final class ChannelMasks {
  private ChannelMasks() {}

  /**
   * Number of channels a gate of {@code channels} keeps at {@code rate}: the integers j in [0, C)
   * with {@code j < max(float32(C)·float32(rate), 1)}; at least one channel.
   */
  public static int keptCount(int channels, float rate) {
    float threshold = Math.max((float) channels * rate, 1f);
    return (int) Math.min(channels, Math.ceil(threshold));
  }

  /**
   * A float32 rate at which a gate of {@code channels} keeps exactly {@code kept} (1 ≤ kept ≤ C):
   * {@code kept/C} in float32, or the float below it where that keeps one more
   * ({@code float32(13)·float32(7/13)} = 7.0000005 keeps 8 of 13).
   */
  public static float rateKeeping(int channels, int kept) {
    if (kept < 1 || kept > channels) {
      throw new IllegalArgumentException("a gate of " + channels + " channels cannot keep " + kept);
    }
    float rate = (float) kept / channels;
    while (keptCount(channels, rate) > kept) {
      rate = Math.nextDown(rate);
    }
    return rate;
  }

  /**
   * Rank of every channel when sorted by descending score (0 = most important). Ties keep channel
   * order, so a channel with a lower index ranks first.
   */
  public static int[] order(float[] scores) {
    Integer[] byScore = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
    Arrays.sort(byScore, Comparator.comparingDouble((Integer c) -> -scores[c]));
    int[] order = new int[scores.length];
    for (int rank = 0; rank < byScore.length; rank++) {
      order[byScore[rank]] = rank;
    }
    return order;
  }

  /** {@code mask[c] = 1} when {@code order[c] < max(float32(C·rate), 1)}, else 0. */
  public static float[] mask(int[] order, float rate) {
    int kept = keptCount(order.length, rate);
    float[] mask = new float[order.length];
    for (int c = 0; c < order.length; c++) {
      mask[c] = order[c] < kept ? 1f : 0f;
    }
    return mask;
  }

  /** The indices of the kept channels, ascending. */
  public static int[] keptIndices(float[] mask) {
    return IntStream.range(0, mask.length).filter(c -> mask[c] != 0f).toArray();
  }
}
