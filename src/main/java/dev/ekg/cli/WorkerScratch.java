package dev.ekg.cli;

import dev.ekg.pipeline.FineTuning;
import dev.ekg.pipeline.RunState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;

/**
 * Where a worker other than the chief keeps its own files: a temporary folder, removed when the run
 * ends, so that the chief's {@code --train_path} is written by the chief alone. It starts from copies
 * of what the run reads from the chief's folder (which must be readable here: shared, or copied to
 * the same path): the phase's input files and, to continue a run, the chief's last commit.
 */
final class WorkerScratch implements AutoCloseable {
  private final Path path;

  private WorkerScratch(Path path) {
    this.path = path;
  }

  /**
   * @param inputs files of the chief's folder the run reads, copied where present
   * @param continues whether the run continues the chief's last commit (its state and checkpoint)
   */
  static WorkerScratch create(Path chiefRun, List<String> inputs, boolean continues, PrintWriter err)
      throws IOException {
    WorkerScratch scratch = new WorkerScratch(Files.createTempDirectory("ekg-worker-"));
    for (String input : inputs) {
      if (Files.isRegularFile(chiefRun.resolve(input))) {
        Files.copy(chiefRun.resolve(input), scratch.path.resolve(input));
      }
    }
    if (continues && Files.isRegularFile(chiefRun.resolve(RunState.FILE))) {
      RunState state = RunState.resumeFrom(chiefRun, err);
      if (state.checkpoint() != null) {
        Path checkpoint = chiefRun.resolve(state.checkpoint());
        Files.createDirectories(scratch.path.resolve(FineTuning.CHECKPOINT_DIR));
        String prefix = checkpoint.getFileName().toString() + ".";
        try (Stream<Path> files = Files.list(checkpoint.getParent())) {
          for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
            Files.copy(file, scratch.path.resolve(FineTuning.CHECKPOINT_DIR).resolve(file.getFileName()));
          }
        }
      }
      Files.copy(chiefRun.resolve(RunState.FILE), scratch.path.resolve(RunState.FILE));
    }
    return scratch;
  }

  Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    FileUtils.deleteDirectory(path.toFile());
  }
}
