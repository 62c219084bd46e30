package dev.ekg.train;

import java.util.Arrays;

/**
 * Step decay of reference §5.4, {@code lr = base · rate^{#decay points passed}}, placed at steps:
 * a decay point of at least 1 is an epoch (it takes effect at that epoch's first step), a point
 * below 1 is a fraction of the run and takes effect at {@code round(point · total steps)}. For the
 * reference's 100-epoch schedules this is its epoch rule exactly; short runs decay where their
 * fractions say instead of all at epoch 0 ({@code int(0.3 · 1) = 0} in the reference).
 */
public final class LearningRateSchedule {
  private final double base;
  private final double rate;
  private final double[] decayPoints;
  private final int epochs;

  public LearningRateSchedule(double base, double[] decayPoints, double rate, int epochs) {
    if (!(base > 0)) {
      throw new IllegalArgumentException("--learning_rate must be positive, got " + base);
    }
    if (!(rate > 0)) {
      throw new IllegalArgumentException("--decay_rate must be positive, got " + rate);
    }
    for (double p : decayPoints) {
      if (!(p > 0)) {
        throw new IllegalArgumentException("--decay_points must be positive, got " + p);
      }
    }
    this.base = base;
    this.rate = rate;
    this.decayPoints = decayPoints.clone();
    this.epochs = epochs;
  }

  /**
   * The rate of global step {@code step} (0-based) of a run of {@code stepsPerEpoch} steps per
   * epoch, in double precision as the reference's Python computes it; the step feeds it as float32.
   */
  public double at(long step, int stepsPerEpoch) {
    int decays = 0;
    for (long d : decaySteps(stepsPerEpoch)) {
      if (step >= d) {
        decays++;
      }
    }
    return base * Math.pow(rate, decays);
  }

  /** The first step at which each decay point applies. */
  public long[] decaySteps(int stepsPerEpoch) {
    long totalSteps = (long) epochs * stepsPerEpoch;
    return Arrays.stream(decayPoints)
        .mapToLong(p -> p < 1 ? Math.round(p * totalSteps) : Math.round(p * stepsPerEpoch))
        .toArray();
  }

  @Override
  public String toString() {
    return "lr " + base + " ×" + rate + " at " + Arrays.toString(decayPoints) + " of " + epochs + " epochs";
  }
}
