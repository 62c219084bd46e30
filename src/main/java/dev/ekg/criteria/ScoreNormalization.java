package dev.ekg.criteria;

/**
 * Rescaling of each group's scores before they are compared across groups. Raw magnitudes grow
 * with a layer's fan-in (an L1 norm sums more weights in a wider layer) and with the number of
 * convs writing a group (their norms are summed), so a {@link GlobalAllocation} on raw scores would
 * strip the low-fan-in, single-producer groups first; dividing every group by a statistic of its
 * own scores puts the groups on one scale. For non-negative scores the order within a group is
 * unchanged (but for ties that float rounding may create). The command line spells the values
 * {@code none}, {@code mean}, {@code max} and {@code sum}.
 *
 * <p>A group whose denominator is 0 (e.g. all scores 0) keeps its scores as they are.
 */
public enum ScoreNormalization {
  /** The scores as the criterion gave them. */
  NONE,
  /** Divided by the group's mean score. */
  MEAN,
  /** Divided by the group's largest score. */
  MAX,
  /** Divided by the sum of the group's scores. */
  SUM;

  /** The command-line spelling, e.g. {@code mean}. */
  public String cliName() {
    return CliNames.of(this);
  }

  /** @throws IllegalArgumentException naming {@code --normalization}, the accepted values and {@code text} */
  public static ScoreNormalization parse(String text) {
    return CliNames.parse(ScoreNormalization.class, "--normalization", text);
  }

  /** New scores, every group divided by its own denominator (computed in double). */
  public float[][] apply(float[][] scores) {
    float[][] out = new float[scores.length][];
    for (int g = 0; g < scores.length; g++) {
      out[g] = apply(scores[g]);
    }
    return out;
  }

  private float[] apply(float[] group) {
    double denominator = denominator(group);
    if (denominator == 0) {
      return group.clone();
    }
    float[] out = new float[group.length];
    for (int c = 0; c < group.length; c++) {
      out[c] = (float) (group[c] / denominator);
    }
    return out;
  }

  private double denominator(float[] group) {
    double sum = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (float s : group) {
      sum += s;
      max = Math.max(max, s);
    }
    return switch (this) {
      case NONE -> 1;
      case MEAN -> sum / group.length;
      case MAX -> max;
      case SUM -> sum;
    };
  }
}
