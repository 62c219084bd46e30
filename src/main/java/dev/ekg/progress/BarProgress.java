package dev.ekg.progress;

import java.text.DecimalFormat;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A task shown as a progress bar with rate and ETA, redrawn once a second on the {@link BarLine}. */
final class BarProgress implements Progress {
  private final ProgressBar bar;

  BarProgress(BarLine line, String name, long total, ProgressUnit unit, long done) {
    bar = new ProgressBarBuilder()
        .setTaskName(name)
        .setInitialMax(total)
        .setUnit(" " + unit.name(), unit.scale())
        .showSpeed(new DecimalFormat("0.0#"))
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(1000)
        .startsFrom(Math.min(done, total), Duration.ZERO)
        .setConsumer(line)
        .build();
  }

  @Override
  public void advance(long units) {
    bar.stepBy(units);
  }

  @Override
  public void advanceTo(long done) {
    bar.stepTo(Math.min(done, bar.getMax()));
  }

  @Override
  public void extra(String message) {
    bar.setExtraMessage(" " + message);
  }

  @Override
  public void close() {
    bar.close();
  }
}
