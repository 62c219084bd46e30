package dev.ekg.progress;

/**
 * One long task's progress (a pass over a data set, an epoch, a search, a download): units done out
 * of a known total, shown by the {@link ProgressReporter} that started it. Update it once per batch
 * or chunk, not per image: an update costs a clock read and, now and then, one line.
 */
public interface Progress extends AutoCloseable {
  /** Adds {@code units} to the units done. */
  void advance(long units);

  /** Sets the units done (clamped to the total), e.g. bytes received so far. */
  void advanceTo(long done);

  /** Text shown after the counts from the next line or refresh on (a loss, the search step). */
  void extra(String message);

  /** Ends the display; the last line was printed when the units reached the total. */
  @Override
  void close();
}
