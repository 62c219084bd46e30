package dev.ekg.progress;

/**
 * What a task counts: its plural name, the label of its rate, and how many counted units make one
 * shown unit ({@code scale} 1 shows whole numbers, a larger one one decimal).
 */
public record ProgressUnit(String name, String rateLabel, long scale) {
  public static final ProgressUnit IMAGES = new ProgressUnit("images", "img/s", 1);
  public static final ProgressUnit STEPS = new ProgressUnit("steps", "steps/s", 1);
  public static final ProgressUnit BATCHES = new ProgressUnit("batches", "batches/s", 1);
  /** Counted in bytes, shown in MiB: the hook for downloads ({@link Progress#advanceTo} with bytes done). */
  public static final ProgressUnit BYTES = new ProgressUnit("MiB", "MiB/s", 1 << 20);

  public ProgressUnit {
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be at least 1, got " + scale);
    }
  }
}
