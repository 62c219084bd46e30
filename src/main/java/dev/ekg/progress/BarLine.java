package dev.ekg.progress;

import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * The terminal line the progress bars are drawn on. The bar's refresh thread redraws it in place
 * ({@code \r}); {@link #above} clears it first so that a line of text (stderr or stdout) gets a
 * line of its own, and then redraws the bar under it.
 */
final class BarLine implements ProgressBarConsumer {
  private final PrintWriter writer;
  private final int width;
  private String shown = "";

  BarLine(PrintWriter writer, int width) {
    this.writer = writer;
    this.width = width;
  }

  @Override
  public int getMaxRenderedLength() {
    return width;
  }

  @Override
  public synchronized void accept(String rendered) {
    shown = rendered.length() > width ? rendered.substring(0, width) : rendered;
    writer.print('\r');
    writer.print(shown);
    writer.flush();
  }

  @Override
  public synchronized void close() {
    writer.println();
    writer.flush();
    shown = "";
  }

  /** Runs {@code write} (which prints whole lines and flushes) with the bar out of its way. */
  synchronized void above(Runnable write) {
    if (shown.isEmpty()) {
      write.run();
      return;
    }
    writer.print('\r');
    writer.print(" ".repeat(shown.length()));
    writer.print('\r');
    writer.flush();
    try {
      write.run();
    } finally {
      writer.print(shown);
      writer.flush();
    }
  }
}
