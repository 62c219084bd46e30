package dev.ekg.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ekg.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code phases.json}: which phases of a {@code train_cifar} run have finished, and the wall time
 * each has taken in total across interruptions and resumes. A phase counts as finished only once
 * every file it writes is in place, so a phase that failed half-way (a full disk, a signal) runs
 * again on {@code --resume}. Time spent in a process killed with SIGKILL is not counted.
 */
public record PhaseProgress(Map<String, Phase> phases) {
  public static final String FILE = "phases.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One phase: finished or not, and its seconds so far. */
  public record Phase(boolean done, double seconds) {}

  /** A phase's work. */
  @FunctionalInterface
  public interface Body {
    void run() throws IOException, InterruptedException;
  }

  public PhaseProgress {
    phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
  }

  public static PhaseProgress none() {
    return new PhaseProgress(Map.of());
  }

  /** The progress saved in {@code runDir}, or none. */
  public static PhaseProgress read(Path runDir) throws IOException {
    Path file = runDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return none();
    }
    try {
      return JSON.readValue(file.toFile(), PhaseProgress.class);
    } catch (IOException e) {
      throw new IOException(file + ": unreadable phase progress: " + e.getMessage(), e);
    }
  }

  public boolean done(String phase) {
    Phase p = phases.get(phase);
    return p != null && p.done();
  }

  public double seconds(String phase) {
    Phase p = phases.get(phase);
    return p == null ? 0 : p.seconds();
  }

  /**
   * Runs {@code body} as phase {@code phase} and saves the progress when it ends, however it ends.
   *
   * @param continues whether this continues an interrupted run of the phase (its time adds up) or
   *     runs it anew (its time starts from zero)
   */
  public PhaseProgress run(Path runDir, String phase, boolean continues, Body body)
      throws IOException, InterruptedException {
    double before = continues ? seconds(phase) : 0;
    long start = System.nanoTime();
    try {
      body.run();
    } catch (Throwable failure) {
      try {
        with(phase, false, before, start).write(runDir);
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
      throw failure;
    }
    PhaseProgress finished = with(phase, true, before, start);
    finished.write(runDir);
    return finished;
  }

  private PhaseProgress with(String phase, boolean done, double before, long start) {
    Map<String, Phase> next = new LinkedHashMap<>(phases);
    next.put(phase, new Phase(done, before + (System.nanoTime() - start) / 1e9));
    return new PhaseProgress(next);
  }

  private void write(Path runDir) throws IOException {
    AtomicFile.writeJson(runDir.resolve(FILE), JSON, this);
  }
}
