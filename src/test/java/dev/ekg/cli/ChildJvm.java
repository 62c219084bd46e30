package dev.ekg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A command run as a user runs it: its own JVM on the test class path, output into a log file,
 * real signals. oneDNN keeps process-wide state, so runs that must be comparable each get a JVM.
 */
final class ChildJvm {
  private final Process process;
  private final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code args} as the {@code ekg} command. SIGINT is reset to its default first: a process
   * started in the background (as Maven may be) inherits SIGINT ignored, and the JVM then never
   * sees it, where a user's Ctrl-C reaches it.
   */
  static ChildJvm start(Path log, List<String> args) throws IOException {
    return start(log, args, Map.of());
  }

  /** {@link #start(Path, List)} with {@code environment} added to (or replacing) the inherited variables. */
  static ChildJvm start(Path log, List<String> args, Map<String, String> environment) throws IOException {
    List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
        .directory(log.getParent().toFile());
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    builder.environment().putAll(environment);
    return new ChildJvm(builder.start(), log);
  }

  /** Runs to the end and returns the exit code. */
  static int run(Path log, List<String> args) throws IOException, InterruptedException {
    return start(log, args).waitFor();
  }

  int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until {@code condition} holds or the process ended (false when it ended first). No
   * deadline: on a loaded machine the child may take long, and a child that ends fails the test.
   */
  boolean await(BooleanSupplier condition) throws InterruptedException {
    while (!condition.getAsBoolean()) {
      if (!process.isAlive()) {
        return condition.getAsBoolean();
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Sends a real signal ({@code TERM}, {@code INT}, {@code KILL}) with the system's kill command. */
  void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no " + log + ": " + e.getMessage() + ")";
    }
  }

  /** Ends the process if a failed test left it running. */
  void destroy() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }
}
