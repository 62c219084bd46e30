package dev.ekg.cli;

import dev.ekg.io.ResolvedPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import picocli.CommandLine.Option;

/**
 * A command's output directory and the flags that say what to do with an old run in it, shared by
 * {@code train} and {@code train_cifar}: a new run is never mixed into an old one by accident, two
 * runs never share one directory, and {@code --overwrite} never deletes what the run reads.
 */
final class RunDirectory {
  @Option(names = "--train_path", description = "output directory (default: ${DEFAULT-VALUE})")
  Path path;

  @Option(names = "--resume",
      description = "continue the interrupted run in --train_path: train resumes from its last epoch, train_cifar "
          + "also skips its finished phases and search steps (default: ${DEFAULT-VALUE})")
  boolean resume = false;

  @Option(names = "--overwrite",
      description = "replace the run in a non-empty --train_path, once every check of the new run has passed "
          + "(default: ${DEFAULT-VALUE})")
  boolean overwrite = false;

  @Option(names = "--setting", hidden = true, description = "accepted and ignored, as in the reference")
  String setting;

  RunDirectory(Path defaultPath) {
    path = defaultPath;
  }

  /** Fails before any work when the flags contradict each other or --train_path is not a directory. */
  void check(Map<String, Path> reads) throws IOException {
    if (resume && overwrite) {
      throw new IllegalArgumentException("--resume and --overwrite exclude each other");
    }
    OutputPaths.requireDirectoryOrAbsent("--train_path", path);
    if (overwrite) {
      for (Map.Entry<String, Path> read : reads.entrySet()) {
        if (read.getValue() != null && ResolvedPaths.isInside(read.getValue(), path)) {
          throw new IllegalArgumentException("--overwrite would delete " + read.getKey() + " " + read.getValue()
              + ", which this run reads: it is inside --train_path " + path + "; choose another --train_path");
        }
      }
    }
  }

  /**
   * Creates and locks the directory, to be called once every check of the run has passed. A
   * non-empty directory is an error unless {@code keep} (a resumed run, or a phase that reads the
   * previous phase's files) or --overwrite (then emptied). A directory that holds only what a run
   * leaves before its first commit ({@code arguments.json}, {@code numerics.json}, TensorBoard events,
   * temporary files) is emptied: nothing of it could be resumed.
   *
   * @param reads the paths the run reads, by flag: --overwrite never deletes them
   * @return the lock, held until the run ends
   */
  RunLock open(Map<String, Path> reads, boolean keep, PrintWriter notes) throws IOException {
    check(reads);
    Files.createDirectories(path);
    RunLock lock = RunLock.acquire(path, "--train_path");
    try {
      List<Path> entries = entries();
      if (!entries.isEmpty() && !keep) {
        if (overwrite) {
          delete(entries);
        } else if (uncommittedStart(entries)) {
          notes.println("--train_path " + path + " holds only the start of a run that committed nothing ("
              + entries.stream().map(p -> p.getFileName().toString()).sorted().collect(Collectors.joining(", "))
              + "): starting over");
          delete(entries);
        } else {
          throw new IllegalArgumentException("--train_path " + path
              + " is not empty: pass --resume to continue the run there or --overwrite to start over");
        }
      }
      return lock;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private List<Path> entries() throws IOException {
    try (Stream<Path> entries = Files.list(path)) {
      return entries.filter(p -> !p.getFileName().toString().equals(RunLock.FILE)).toList();
    }
  }

  private static boolean uncommittedStart(List<Path> entries) throws IOException {
    boolean hasArguments = false;
    for (Path p : entries) {
      String name = p.getFileName().toString();
      hasArguments |= name.equals(ArgumentsFile.FILE);
      boolean leftover = name.equals(ArgumentsFile.FILE) || name.equals(NumericsFile.FILE)
          || name.startsWith("events.out.tfevents.")
          || name.startsWith(".") && name.endsWith(".tmp") || Files.isDirectory(p) && PathUtils.isEmptyDirectory(p);
      if (!leftover) {
        return false;
      }
    }
    return hasArguments;
  }

  private static void delete(List<Path> entries) throws IOException {
    for (Path p : entries) {
      PathUtils.delete(p);
    }
  }
}
