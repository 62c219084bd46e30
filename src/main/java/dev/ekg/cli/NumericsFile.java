package dev.ekg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ekg.io.AtomicFile;
import dev.ekg.runtime.NumericsEnvironment;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code numerics.json}: the {@link NumericsEnvironment} a run started in. Runs with equal files
 * are comparable bit for bit; a run resumed in another environment is said to be no longer so.
 */
final class NumericsFile {
  static final String FILE = "numerics.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private NumericsFile() {}

  /**
   * Prints the environment on {@code err}. A new run records it in {@code dir}; a resumed one keeps
   * the recorded environment and warns when it differs from the present one.
   */
  static void record(NumericsEnvironment now, Path dir, boolean resume, PrintWriter err) throws IOException {
    err.println("numerics: " + now.describe());
    Path file = dir.resolve(FILE);
    if (resume && Files.isRegularFile(file)) {
      NumericsEnvironment started = JSON.readValue(file.toFile(), NumericsEnvironment.class);
      if (!started.equals(now)) {
        err.println("warning: --resume: the run started on " + started.describe() + "; the resumed part will not "
            + "be bit-identical to an uninterrupted run");
      }
    } else {
      AtomicFile.writeJson(file, JSON, now);
    }
    err.flush();
  }
}
