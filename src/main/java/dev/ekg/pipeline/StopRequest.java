package dev.ekg.pipeline;

import java.util.Locale;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a normal way to stop a long run. The first signal only records the
 * request; the run notices it at its next safe point (after a training step, a committed search
 * step or memory-bank teacher, an evaluation batch), unwinds through its {@code finally} blocks so
 * files and TensorFlow sessions close in order, and the process exits with 128 + the signal's
 * number (143, 130). Letting the JVM's own handler run its shutdown instead, while native
 * TensorFlow threads are still working, can crash the JVM. A second signal ends the process at once.
 */
public final class StopRequest {
  private static volatile Signal received;

  private StopRequest() {}

  /** Thrown at a safe point once a stop was requested. */
  public static final class Stopped extends RuntimeException {
    private final int exitCode;

    Stopped(Signal signal, String where) {
      super(String.format(Locale.ROOT, "stopped by SIG%s %s", signal.getName(), where));
      this.exitCode = 128 + signal.getNumber();
    }

    public int exitCode() {
      return exitCode;
    }
  }

  /** Replaces the JVM's handlers of SIGTERM and SIGINT for this process. */
  public static void install() {
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        if (received != null) {
          Runtime.getRuntime().halt(128 + signal.getNumber());
        }
        received = signal;
      });
    }
  }

  /**
   * A safe point: throws {@link Stopped} when a stop was requested.
   *
   * @param where what the run has reached and how it continues, e.g. "after search step 12 (saved;
   *     --resume continues after it)"
   */
  public static void check(String where) {
    Signal signal = received;
    if (signal != null) {
      throw new Stopped(signal, where);
    }
  }
}
