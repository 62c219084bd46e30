package dev.ekg.criteria;

import dev.ekg.io.FloatArray;
import java.util.Map;

/**
 * What a {@link ChannelScorer} may read about the network it scores. Scorers take this one record
 * rather than their own argument lists so that every criterion is called the same way; the
 * data-driven criteria will add what they need here (the model, the data, the ensemble knowledge)
 * while the weight-only criteria keep reading {@link #weights()}.
 *
 * @param weights the unpruned weights, keyed as in the reference's {@code .pkl} (e.g.
 *     {@code conv/kernel:0})
 */
public record ScoringContext(Map<String, FloatArray> weights) {
  public ScoringContext {
    weights = Map.copyOf(weights);
  }

  /**
   * The array stored under {@code key}.
   *
   * @throws IllegalArgumentException when the weights have no such key
   */
  public FloatArray weight(String key) {
    FloatArray array = weights.get(key);
    if (array == null) {
      throw new IllegalArgumentException("weights have no key '" + key + "'");
    }
    return array;
  }
}
