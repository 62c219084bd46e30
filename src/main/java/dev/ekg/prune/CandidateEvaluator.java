package dev.ekg.prune;

import dev.ekg.data.ValidationSet;
import java.util.List;

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

  /** The candidates of one search step, each the base sub-network with one gate's mask changed. */
  interface Candidates extends AutoCloseable {
    /**
     * {@link #evaluate(ValidationSet, float[])} of each candidate, in order: candidate {@code k} is the
     * sub-network {@code masks[k]} selects, which differs from the base in the {@code k}-th of the
     * gates the candidates were prepared for only.
     */
    List<Evaluation> evaluate(float[][][] masks);

    @Override
    void close();
  }

  /**
   * Prepares the evaluation of candidates that each change one of {@code gates} of the sub-network
   * {@code baseMasks} selects.
   */
  Candidates candidates(ValidationSet set, float[] knowledge, float[][] baseMasks, int[] gates);
}
