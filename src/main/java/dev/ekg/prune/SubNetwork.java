package dev.ekg.prune;

import dev.ekg.nn.ChannelMasks;

/**
 * One sub-network of the search history (reference §6.2 {@code width_history}): every gate's
 * channel ranks and width, and its validation cross-entropy.
 *
 * @param widths the gates' widths as the reference keeps them
 * @param orders per gate, the rank of every channel (0 = most important)
 */
public record SubNetwork(SearchWidth[] widths, int[][] orders, double valLoss) {
  /** The gates' float32 rates. */
  public float[] rates() {
    float[] rates = new float[widths.length];
    for (int g = 0; g < widths.length; g++) {
      rates[g] = widths[g].rate();
    }
    return rates;
  }

  /** Every gate's count of kept channels (ones of its mask). */
  public int[] keptCounts() {
    float[][] masks = masks();
    int[] kept = new int[masks.length];
    for (int g = 0; g < masks.length; g++) {
      kept[g] = ChannelMasks.keptIndices(masks[g]).length;
    }
    return kept;
  }

  /** The {0,1} masks: float32 {@code C·rate} as the reference's gates compute them (§4.6). */
  public float[][] masks() {
    float[][] masks = new float[orders.length][];
    for (int g = 0; g < orders.length; g++) {
      masks[g] = ChannelMasks.mask(orders[g], widths[g].rate());
    }
    return masks;
  }
}
