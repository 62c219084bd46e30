package dev.ekg.prune;

import java.util.Arrays;

/**
 * The "pruning cost" of each gate that {@code mask_marking} feeds to the trimmed-Otsu shortlist
 * (reference §6.4(b)). For a gate with float32 rate r > 0 and importance scores s of its C
 * channels: sort s ascending, take the slice from {@code round((1−r)·C)} up to, not including,
 * {@code round((1−r+step)·C)} (Python's half-to-even round of doubles: the reference computes
 * {@code 1. − r} with r read back from the float32 rate variable, which NumPy 1 promotes to
 * float64), and sum it as {@code np.sum} does on float32 values. A gate with r ≤ 0 costs
 * {@link #NOT_PRUNABLE}.
 *
 * <p>The reference's score variable has shape {@code [1,1,1,C]}, so its slice runs along the
 * first axis (length 1), not along the channels: the two constants let the caller choose between
 * the spec's reading and what the reference computes.
 */
public enum PruningCost {
  /**
   * Reference §6.4(b) as written: the sum of the sorted scores in the slice, the lowest-scoring
   * channels the next step would remove.
   */
  SPEC_SLICE {
    @Override
    float sliceSum(float[] sorted, long from, long to) {
      int c = sorted.length;
      int lo = (int) Math.min(from, c);
      int hi = (int) Math.min(to, c);
      return hi > lo ? NumpySum.sum(sorted, lo, hi) : 0f;
    }
  },
  /**
   * What the reference's {@code mask_marking} computes: the slice of the sorted {@code [1,1,1,C]}
   * array is taken along its first axis, so it holds the whole gate when it starts at 0 (the gate
   * is at or within half a channel of full width) and nothing otherwise. The cost is the sum of
   * all C scores of a full-width gate and 0 for every gate already pruned.
   */
  AS_EXECUTED {
    @Override
    float sliceSum(float[] sorted, long from, long to) {
      return from == 0 && to >= 1 ? NumpySum.sum(sorted, 0, sorted.length) : 0f;
    }
  };

  /** The cost of a gate at rate ≤ 0, which is never shortlisted. */
  public static final double NOT_PRUNABLE = 1e12;

  /**
   * The cost of one gate: a float32 value widened to double, or {@link #NOT_PRUNABLE} when
   * {@code rate} is not positive.
   *
   * @param scores the gate's accumulated channel importance, one value per channel
   * @param rate the gate's float32 rate variable, at most 1
   * @param step the gate's {@link GateSteps#step width step}
   */
  public double cost(float[] scores, float rate, double step) {
    if (!(rate > 0)) {
      return NOT_PRUNABLE;
    }
    if (rate > 1) {
      throw new IllegalArgumentException("rate must be at most 1, got " + rate);
    }
    float[] sorted = ascending(scores);
    double pruned = 1.0 - rate;
    int c = sorted.length;
    return sliceSum(sorted, PythonRound.round(pruned * c), PythonRound.round((pruned + step) * c));
  }

  /**
   * The cost of narrowing a gate from {@code kept} to {@code next} channels (a search with
   * {@code --round_to}): the ascending scores from {@code C − kept} up to, not including,
   * {@code C − next}, the lowest-scoring channels that narrowing removes.
   */
  public double cost(float[] scores, int kept, int next) {
    if (!(next >= 0 && next < kept && kept <= scores.length)) {
      throw new IllegalArgumentException("narrowing a gate of " + scores.length + " channels from " + kept + " to "
          + next + " removes none or more than it has");
    }
    return sliceSum(ascending(scores), scores.length - kept, scores.length - next);
  }

  private static float[] ascending(float[] scores) {
    float[] sorted = scores.clone();
    Arrays.sort(sorted);
    return sorted;
  }

  /** The costs of every gate: {@code scores[g]} at {@code rates[g]} with its step. */
  public double[] costs(float[][] scores, float[] rates, GateSteps steps) {
    if (scores.length != rates.length || rates.length != steps.size()) {
      throw new IllegalArgumentException(String.format(
          "%d score vectors, %d rates and %d steps: expected one per gate",
          scores.length, rates.length, steps.size()));
    }
    double[] costs = new double[rates.length];
    for (int g = 0; g < costs.length; g++) {
      costs[g] = cost(scores[g], rates[g], steps.step(g));
    }
    return costs;
  }

  /** {@code np.sum} of {@code sorted[from:to]} as this reading slices it (indices ≥ 0). */
  abstract float sliceSum(float[] sorted, long from, long to);
}
