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

  /** What may happen to a target that is not empty. */
  private enum Existing {
    /** Refused: the command has no {@code --overwrite}. */
    REFUSE,
    /** Refused, naming {@code --overwrite}, which was not given. */
    REFUSE_WITHOUT_OVERWRITE,
    /** Replaced ({@code --overwrite} given). */
    REPLACE;

    static Existing of(boolean overwrite) {
      return overwrite ? REPLACE : REFUSE_WITHOUT_OVERWRITE;
    }
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
    check(flag, target, Existing.of(overwrite), reads);
  }

  /** {@link #check} for a command without {@code --overwrite}: the target must be absent or empty. */
  public static void checkNew(String flag, Path target) throws IOException {
    check(flag, target, Existing.REFUSE, Map.of());
  }

  private static void check(String flag, Path target, Existing existing, Map<String, Path> reads) throws IOException {
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new IllegalArgumentException(flag + " " + target + " is a file, expected a directory");
    }
    if (target.toAbsolutePath().normalize().getParent() == null) {
      throw new IllegalArgumentException(flag + " " + target + " is a file-system root, expected a folder below one");
    }
    if (isEmptyOrAbsent(target)) {
      return;
    }
    if (existing != Existing.REPLACE) {
      throw notEmpty(flag, target, existing);
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
    return write(flag, target, Existing.of(overwrite), reads, content);
  }

  /** {@link #write} for a command without {@code --overwrite}: the target must be absent or empty. */
  public static <T> T writeNew(String flag, Path target, Content<T> content) throws IOException {
    return write(flag, target, Existing.REFUSE, Map.of(), content);
  }

  private static <T> T write(String flag, Path target, Existing existing, Map<String, Path> reads, Content<T> content)
      throws IOException {
    check(flag, target, existing, reads);
    Path absolute = target.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".partial-");
    try {
      T written = content.writeInto(temp);
      if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      publish(flag, temp, absolute, existing);
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

  private static void publish(String flag, Path temp, Path target, Existing existing) throws IOException {
    if (isEmptyOrAbsent(target)) {
      Files.deleteIfExists(target);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    if (existing != Existing.REPLACE) { // filled while the content was written
      throw notEmpty(flag, target, existing);
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

  private static IllegalArgumentException notEmpty(String flag, Path target, Existing existing) {
    return new IllegalArgumentException(flag + " " + target + " is not empty"
        + (existing == Existing.REFUSE ? ", expected an absent or empty directory" : ": pass --overwrite to replace it"));
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
