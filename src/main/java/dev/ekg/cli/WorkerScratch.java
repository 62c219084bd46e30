package dev.ekg.cli;

import dev.ekg.pipeline.FineTuning;
import dev.ekg.pipeline.RunState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;

/**
 * Where a worker other than the chief keeps its own checkpoints: a temporary folder, removed when
 * the run ends, so that the chief's {@code --train_path} is written by the chief alone. To resume,
 * it starts from a copy of the chief's last commit (the chief's folder must be readable here).
 */
final class WorkerScratch implements AutoCloseable {
  private final Path path;

  private WorkerScratch(Path path) {
    this.path = path;
  }

  static WorkerScratch create(Path chiefRun, boolean resume, PrintWriter err) throws IOException {
    WorkerScratch scratch = new WorkerScratch(Files.createTempDirectory("ekg-worker-"));
    if (resume && Files.isRegularFile(chiefRun.resolve(RunState.FILE))) {
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
