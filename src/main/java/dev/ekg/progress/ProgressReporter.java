package dev.ekg.progress;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;

/**
 * Where the long phases report their progress (stderr in the CLI, so results on stdout stay
 * clean): on a terminal a progress bar per task, elsewhere (log files, pipes, CI) plain lines
 * ({@link PlainProgress}) at the {@link PlainPolicy}'s pace. {@value #VARIABLE}{@code =plain} or
 * {@code =bar} in the environment overrides the choice.
 */
public final class ProgressReporter {
  public static final String VARIABLE = "EKG_PROGRESS";

  private final PrintWriter writer;
  private final BarLine bar;
  private final PlainPolicy policy;
  private final LongSupplier clock;

  private ProgressReporter(PrintWriter writer, BarLine bar, PlainPolicy policy, LongSupplier clock) {
    this.writer = writer;
    this.bar = bar;
    this.policy = policy;
    this.clock = clock;
  }

  /** Bars when {@code stderr} is a terminal (see {@link #usesBars}), plain lines otherwise. */
  public static ProgressReporter forStderr(PrintWriter stderr) {
    return usesBars(System.getenv(), System.console() != null && stderrIsTerminal())
        ? new ProgressReporter(stderr, new BarLine(stderr, new ConsoleProgressBarConsumer(System.err)
            .getMaxRenderedLength()), null, System::nanoTime)
        : plain(stderr);
  }

  /** Plain lines at {@link PlainPolicy#DEFAULT}'s pace. */
  public static ProgressReporter plain(PrintWriter writer) {
    return plain(writer, PlainPolicy.DEFAULT, System::nanoTime);
  }

  /** Plain lines at {@code policy}'s pace on {@code clock} (nanoseconds). */
  public static ProgressReporter plain(PrintWriter writer, PlainPolicy policy, LongSupplier clock) {
    return new ProgressReporter(writer, null, policy, clock);
  }

  /**
   * Bars only on a terminal that can redraw a line: {@code console} (a console attached and
   * stderr a terminal), {@code TERM} not {@code dumb}, unless {@value #VARIABLE} says otherwise.
   *
   * @throws IllegalArgumentException when {@value #VARIABLE} is neither {@code plain} nor {@code bar}
   */
  static boolean usesBars(Map<String, String> env, boolean console) {
    String forced = env.get(VARIABLE);
    if (forced != null && !forced.isEmpty()) {
      return switch (forced.toLowerCase(Locale.ROOT)) {
        case "plain" -> false;
        case "bar" -> true;
        default -> throw new IllegalArgumentException(VARIABLE + " in the environment must be 'plain' or 'bar', got '"
            + forced + "'");
      };
    }
    return console && !"dumb".equals(env.get("TERM"));
  }

  /** A console may have stdin and stdout on the terminal and stderr in a file (Linux tells which). */
  private static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return true;
    }
  }

  /** Starts a task of {@code total} units, none done yet. */
  public Progress start(String name, long total, ProgressUnit unit) {
    return start(name, total, unit, 0);
  }

  /** Starts a task of {@code total} units of which {@code done} were done before (a resumed run). */
  public Progress start(String name, long total, ProgressUnit unit, long done) {
    return bar != null
        ? new BarProgress(bar, name, total, unit, done)
        : new PlainProgress(writer, name, total, unit, done, policy, clock);
  }

  /** A line of its own on the progress stream (above the bar, if one is shown). */
  public void println(String line) {
    above(() -> {
      writer.println(line);
      writer.flush();
    });
  }

  /**
   * Runs {@code write}, which prints whole lines to another stream of the same terminal (stdout)
   * and flushes, so that they do not land on the bar's line.
   */
  public void above(Runnable write) {
    if (bar != null) {
      bar.above(write);
    } else {
      write.run();
    }
  }
}
