package dev.ekg.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code ekg} command line in this JVM with stdout and stderr captured; each run starts them empty. */
final class Console {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Runs {@code args} and returns the exit code. */
  int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
  }

  /** What the last run printed on stdout. */
  String out() {
    return out.toString();
  }

  /** What the last run printed on stderr. */
  String err() {
    return err.toString();
  }
}
