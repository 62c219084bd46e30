package dev.ekg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import picocli.CommandLine.Option;

/**
 * A command's output directory and the flags that say what to do with an old run in it, shared by
 * {@code train} and {@code train_cifar}: a new run is never mixed into an old one by accident.
 */
final class RunDirectory {
  @Option(names = "--train_path", description = "output directory (default: ${DEFAULT-VALUE})")
  Path path;

  @Option(names = "--resume",
      description = "continue the interrupted run in --train_path: train resumes from its last epoch, train_cifar "
          + "also skips its finished phases and search steps (default: ${DEFAULT-VALUE})")
  boolean resume = false;

  @Option(names = "--overwrite", description = "empty a non-empty --train_path first (default: ${DEFAULT-VALUE})")
  boolean overwrite = false;

  @Option(names = "--setting", hidden = true, description = "accepted and ignored, as in the reference")
  String setting;

  RunDirectory(Path defaultPath) {
    path = defaultPath;
  }

  /**
   * Creates the directory if needed. A non-empty directory is an error unless {@code keep} (a
   * resumed run, or a phase that reads the previous phase's files) or --overwrite (empty it first).
   */
  Path prepare(boolean keep) throws IOException {
    if (resume && overwrite) {
      throw new IllegalArgumentException("--resume and --overwrite exclude each other");
    }
    if (Files.isDirectory(path) && !isEmpty(path) && !keep) {
      if (!overwrite) {
        throw new IllegalArgumentException(
            "--train_path " + path + " is not empty: pass --resume to continue the run there or --overwrite to start over");
      }
      PathUtils.cleanDirectory(path);
    }
    Files.createDirectories(path);
    return path;
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
