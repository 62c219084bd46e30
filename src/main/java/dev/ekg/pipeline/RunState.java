package dev.ekg.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ekg.io.AtomicFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The commit point of a training run ({@code train_state.json}): the global step reached, the
 * checkpoint that holds it and the per-epoch history. It is written atomically after the checkpoint
 * it names, so a killed run always resumes from a complete checkpoint.
 *
 * @param checkpoint checkpoint prefix relative to the run directory, or null before the first one
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunState(long step, int epoch, String checkpoint, List<EpochRecord> history) {
  public static final String FILE = "train_state.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One finished epoch; accuracies in percent, as the reference logs them. */
  public record EpochRecord(
      int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
      double learningRate, double seconds) {}

  public static RunState fresh() {
    return new RunState(0, 0, null, List.of());
  }

  public RunState after(int finishedEpoch, long atStep, String checkpointPrefix, EpochRecord record) {
    List<EpochRecord> h = new ArrayList<>(history);
    h.add(record);
    return new RunState(atStep, finishedEpoch, checkpointPrefix, List.copyOf(h));
  }

  public static RunState read(Path runDir) throws IOException {
    Path file = runDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no run to resume (the file is missing)");
    }
    try {
      return JSON.readValue(file.toFile(), RunState.class);
    } catch (IOException e) {
      throw new IOException(file + ": unreadable run state: " + e.getMessage(), e);
    }
  }

  /**
   * The state a resumed run continues from: the saved one, or a fresh one (with a note) when the
   * interrupted run was stopped before its first commit.
   */
  public static RunState resumeFrom(Path runDir, PrintWriter notes) throws IOException {
    if (Files.isRegularFile(runDir.resolve(FILE))) {
      return read(runDir);
    }
    notes.println("nothing of the run in " + runDir + " was committed yet: starting from the first epoch");
    return fresh();
  }

  public void write(Path runDir) throws IOException {
    AtomicFile.writeJson(runDir.resolve(FILE), JSON, this);
  }
}
