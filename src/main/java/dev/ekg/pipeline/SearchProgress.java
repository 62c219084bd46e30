package dev.ekg.pipeline;

import dev.ekg.prune.EkgSearch;
import dev.ekg.progress.Progress;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.progress.ProgressUnit;
import java.util.Locale;

/**
 * The search's progress. Its number of steps is not known in advance, so it counts how much of
 * the FLOPs gap (from all FLOPs down to the target) the accepted steps have closed, in 0.1 %;
 * each step first goes to {@code log} (whose console line then does not land on a bar's line).
 */
final class SearchProgress implements EkgSearch.Listener, AutoCloseable {
  private static final ProgressUnit PERCENT = new ProgressUnit("%", "%/s", 10);
  private static final int TOTAL = 1000;

  private final ProgressReporter reporter;
  private final EkgSearch.Listener log;
  private final double target;
  private final Progress shown;

  /** @param startRate the FLOPs rate the search starts from (below 1 when resumed) */
  SearchProgress(ProgressReporter reporter, EkgSearch.Listener log, double startRate, double target) {
    this.reporter = reporter;
    this.log = log;
    this.target = target;
    this.shown = reporter.start("search (FLOPs gap closed)", TOTAL, PERCENT, gapClosed(startRate, target));
  }

  /**
   * The part of the gap {@code 1 − target} that FLOPs rate {@code rate} has closed, in 0.1 % (0 to
   * 1000); rounded down, so that only a rate at the target shows the end, but not below a whole
   * step by a rounding error of the division.
   */
  static long gapClosed(double rate, double target) {
    return Math.max(0, Math.min(TOTAL, (long) Math.floor(TOTAL * (1 - rate) / (1 - target) + 1e-9)));
  }

  @Override
  public void accepted(EkgSearch.Step step, EkgSearch.State state) {
    reporter.above(() -> log.accepted(step, state));
    shown.extra(String.format(Locale.ROOT, "step %d, FLOPs rate %.4f", step.step(), step.flopsRate()));
    shown.advanceTo(gapClosed(step.flopsRate(), target));
  }

  @Override
  public void close() {
    shown.close();
  }
}
