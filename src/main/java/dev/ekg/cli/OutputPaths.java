package dev.ekg.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks of output flags made before any work, so a long run never fails at its last write. */
final class OutputPaths {
  private OutputPaths() {}

  /** A file {@code flag} can create or replace: its folder exists and it is not itself a folder. */
  static void requireWritableFile(String flag, Path file) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(flag + " " + file + " is a directory, expected a file name");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(parent)) {
      throw new IllegalArgumentException(flag + " " + file + ": the folder " + parent
          + (Files.exists(parent) ? " is a file" : " does not exist") + ", expected an existing directory");
    }
    if (!Files.isWritable(parent)) {
      throw new IllegalArgumentException(flag + " " + file + ": the folder " + parent + " is not writable");
    }
  }

  /** A directory {@code flag} writes into, created if missing: it must not be a file. */
  static void requireDirectoryOrAbsent(String flag, Path dir) {
    if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(flag + " " + dir + " is a file, expected a directory");
    }
  }
}
