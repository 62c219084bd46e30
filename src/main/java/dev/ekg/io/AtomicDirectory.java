package dev.ekg.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;

/**
 * Publishes a whole directory at once: its content is written into a temporary sibling folder,
 * which is renamed to the target only once complete. A failure leaves neither a half-written
 * target nor the temporary folder behind; an old target that is replaced is removed only after the
 * new one is in place.
 */
public final class AtomicDirectory {
  /** Writes the whole content into an empty folder and says what it wrote. */
  @FunctionalInterface
  public interface Content<T> {
    T writeInto(Path dir) throws IOException;
  }

  private AtomicDirectory() {}

  /**
   * Fails unless {@code target} can take a new content: absent, an empty directory, or with
   * {@code overwrite} any directory that none of {@code reads} lies in. Call it before long work, so
   * that a refusal comes first; {@link #write} checks again.
   *
   * @param flag how messages name the target, e.g. {@code --data_path}
   * @param reads the paths the content is made from, by the flag that names them: never deleted
   * @throws IllegalArgumentException naming the flag and the path when the target is refused
   */
  public static void check(String flag, Path target, boolean overwrite, Map<String, Path> reads) throws IOException {
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new IllegalArgumentException(flag + " " + target + " is a file, expected a directory");
    }
    if (target.toAbsolutePath().normalize().getParent() == null) {
      throw new IllegalArgumentException(flag + " " + target + " is a file-system root, expected a folder below one");
    }
    if (isEmptyOrAbsent(target)) {
      return;
    }
    if (!overwrite) {
      throw notEmpty(flag, target);
    }
    for (Map.Entry<String, Path> read : reads.entrySet()) {
      if (read.getValue() != null && ResolvedPaths.isInside(read.getValue(), target)) {
        throw new IllegalArgumentException("--overwrite would delete " + read.getKey() + " " + read.getValue()
            + ", which this command reads: it is inside " + flag + " " + target + "; choose another " + flag);
      }
    }
  }

  /**
   * Checks {@code target} (see {@link #check}), lets {@code content} fill a temporary sibling folder
   * and renames that folder to {@code target}, replacing an old one when {@code overwrite}.
   *
   * @return what {@code content} returned
   */
  public static <T> T write(String flag, Path target, boolean overwrite, Map<String, Path> reads, Content<T> content)
      throws IOException {
    check(flag, target, overwrite, reads);
    Path absolute = target.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".partial-");
    try {
      T written = content.writeInto(temp);
      if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      publish(flag, temp, absolute, overwrite);
      return written;
    } catch (IOException | RuntimeException | Error e) {
      try {
        PathUtils.deleteDirectory(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static void publish(String flag, Path temp, Path target, boolean overwrite) throws IOException {
    if (isEmptyOrAbsent(target)) {
      Files.deleteIfExists(target);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    if (!overwrite) { // filled while the content was written
      throw notEmpty(flag, target);
    }
    // moved into a fresh folder rather than to a guessed free name: no other process can take it
    Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
    Path oldTarget = old.resolve(target.getFileName());
    Files.move(target, oldTarget, StandardCopyOption.ATOMIC_MOVE);
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      Files.move(oldTarget, target, StandardCopyOption.ATOMIC_MOVE);
      Files.delete(old);
      throw e;
    }
    PathUtils.deleteDirectory(old);
  }

  private static IllegalArgumentException notEmpty(String flag, Path target) {
    return new IllegalArgumentException(flag + " " + target + " is not empty: pass --overwrite to replace it");
  }

  private static boolean isEmptyOrAbsent(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return true;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
