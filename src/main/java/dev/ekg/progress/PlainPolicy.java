package dev.ekg.progress;

import java.time.Duration;

/**
 * When a plain progress line is due: at the end, when another {@code percentStep} % is done (but
 * not sooner than {@code minInterval} after the previous line, so a task of a few seconds prints
 * one or two lines), and whenever {@code maxInterval} passed without a line. Times are the
 * injected clock's nanoseconds; {@link #percentOnly} depends on the counts alone.
 */
public record PlainPolicy(int percentStep, Duration minInterval, Duration maxInterval) {
  /** Every 10 %, at most one line per 5 s for short tasks, at least one per 30 s for slow ones. */
  public static final PlainPolicy DEFAULT = new PlainPolicy(10, Duration.ofSeconds(5), Duration.ofSeconds(30));

  public PlainPolicy {
    if (percentStep < 1 || percentStep > 100) {
      throw new IllegalArgumentException("percentStep must be in [1, 100], got " + percentStep);
    }
  }

  /** Lines at every {@code percentStep} % and at the end, whatever the clock says. */
  public static PlainPolicy percentOnly(int percentStep) {
    return new PlainPolicy(percentStep, Duration.ZERO, null);
  }

  /** The number of whole {@code percentStep} % steps that {@code done} of {@code total} makes. */
  long bucket(long done, long total) {
    return total == 0 ? 0 : done * 100 / total / percentStep;
  }

  /**
   * @param bucket {@link #bucket} of the units done now
   * @param printedBucket {@link #bucket} at the previous line (or the start)
   * @param sinceLine nanoseconds since the previous line (or the start)
   */
  boolean due(boolean end, long bucket, long printedBucket, long sinceLine) {
    return end
        || bucket > printedBucket && sinceLine >= minInterval.toNanos()
        || maxInterval != null && sinceLine >= maxInterval.toNanos();
  }
}
