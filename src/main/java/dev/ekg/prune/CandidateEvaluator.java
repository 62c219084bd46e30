package dev.ekg.prune;

import dev.ekg.data.ValidationSet;

/** Evaluates the sub-network a gated model's current masks select (reference §6.4(c) step 3). */
public interface CandidateEvaluator {
  /** One pass over the validation set. */
  record Evaluation(double loss, double score, double accuracy, float[] logits) {}

  /**
   * Loss, search score (CE + soft CE to {@code knowledge}), accuracy and logits of the current
   * sub-network on {@code set}.
   *
   * @param knowledge the ensemble knowledge, {@code [N, classes]} logits row-aligned with the set
   */
  Evaluation evaluate(ValidationSet set, float[] knowledge);
}
