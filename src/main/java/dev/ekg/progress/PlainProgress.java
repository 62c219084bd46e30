package dev.ekg.progress;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A task shown as plain lines, for logs and pipes:
 * {@code memory bank teacher 2/5: 24000/60000 images, 410 img/s, ETA 1:28}, and at the end
 * {@code ..., done in 2:26}; when each line is due is the {@link PlainPolicy}'s call.
 */
final class PlainProgress implements Progress {
  private final PrintWriter writer;
  private final String name;
  private final long total;
  private final ProgressUnit unit;
  private final PlainPolicy policy;
  private final LongSupplier clock;
  private final long startNanos;
  private final long startDone;
  private long done;
  private long printedBucket;
  private long lineNanos;
  private boolean ended;
  private String extra;

  PlainProgress(PrintWriter writer, String name, long total, ProgressUnit unit, long done, PlainPolicy policy,
      LongSupplier clock) {
    this.writer = writer;
    this.name = name;
    this.total = total;
    this.unit = unit;
    this.policy = policy;
    this.clock = clock;
    this.startNanos = clock.getAsLong();
    this.startDone = Math.min(done, total);
    this.done = startDone;
    this.printedBucket = policy.bucket(startDone, total);
    this.lineNanos = startNanos;
    this.ended = startDone >= total;
  }

  @Override
  public void advance(long units) {
    advanceTo(done + units);
  }

  @Override
  public void advanceTo(long newDone) {
    done = Math.min(newDone, total);
    if (ended) {
      return;
    }
    long now = clock.getAsLong();
    long bucket = policy.bucket(done, total);
    boolean end = done >= total;
    if (policy.due(end, bucket, printedBucket, now - lineNanos)) {
      writer.println(line(now, end));
      writer.flush();
      printedBucket = bucket;
      lineNanos = now;
      ended = end;
    }
  }

  @Override
  public void extra(String message) {
    extra = message;
  }

  @Override
  public void close() {}

  private String line(long now, boolean end) {
    double seconds = (now - startNanos) / 1e9;
    double rate = seconds > 0 ? (done - startDone) / seconds / unit.scale() : 0;
    StringBuilder line = new StringBuilder(name).append(": ").append(amount(done)).append('/').append(amount(total))
        .append(' ').append(unit.name()).append(", ").append(rate(rate)).append(' ').append(unit.rateLabel());
    if (end) {
      line.append(", done in ").append(clockTime(seconds));
    } else {
      line.append(", ETA ").append(rate > 0 ? clockTime((total - done) / rate / unit.scale()) : "?");
    }
    if (extra != null) {
      line.append(", ").append(extra);
    }
    return line.toString();
  }

  private String amount(long units) {
    return unit.scale() == 1
        ? Long.toString(units)
        : String.format(Locale.ROOT, "%.1f", (double) units / unit.scale());
  }

  /** Three significant digits or so, never an exponent. */
  static String rate(double perSecond) {
    String format = perSecond >= 100 ? "%.0f" : perSecond >= 10 ? "%.1f" : perSecond >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, format, perSecond);
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String clockTime(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
