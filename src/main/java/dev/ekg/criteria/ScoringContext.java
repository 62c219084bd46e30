package dev.ekg.criteria;

import dev.ekg.data.ValidationSet;
import dev.ekg.io.FloatArray;
import java.util.Map;

/**
 * What a {@link ChannelScorer} may read about the network it scores. Scorers take this one record
 * rather than their own argument lists so that every criterion is called the same way: weight-only
 * criteria read {@link #weights()}, data-driven ones (EKG's Taylor score) the {@link #data()} and
 * the ensemble {@link #knowledge()}; what a scorer does not need may be absent.
 *
 * @param weights the unpruned weights, keyed as in the reference's {@code .pkl} (e.g.
 *     {@code conv/kernel:0}); empty for data-driven scorers
 * @param data the images the score is measured on, or null
 * @param knowledge the ensemble knowledge, {@code [N, classes]} logits row-aligned with {@code data},
 *     or null
 */
public record ScoringContext(Map<String, FloatArray> weights, ValidationSet data, float[] knowledge) {
  public ScoringContext {
    weights = Map.copyOf(weights);
  }

  /** For criteria that read only weights. */
  public static ScoringContext ofWeights(Map<String, FloatArray> weights) {
    return new ScoringContext(weights, null, null);
  }

  /** For criteria measured on data against an ensemble's logits. */
  public static ScoringContext ofData(ValidationSet data, float[] knowledge) {
    return new ScoringContext(Map.of(), data, knowledge);
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
