package dev.ekg.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Compares paths the way the file system sees them, so aliases of one folder compare equal. */
public final class ResolvedPaths {
  private ResolvedPaths() {}

  /** Whether {@code path} is {@code dir} or lies inside it, symbolic links resolved as far as each exists. */
  public static boolean isInside(Path path, Path dir) throws IOException {
    return real(path).startsWith(real(dir));
  }

  private static Path real(Path p) throws IOException {
    Path absolute = p.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing == null ? absolute : existing.toRealPath().resolve(existing.relativize(absolute));
  }
}
