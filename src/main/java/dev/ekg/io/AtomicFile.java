package dev.ekg.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file atomically: into a temporary file in the same directory, flushed to disk, then
 * renamed over the target. If anything fails the target keeps its old content and the temporary
 * file is removed.
 */
public final class AtomicFile {
  /** Writes the whole content of a file. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

  private AtomicFile() {}

  /** Temporary files are created owner-only; the published file gets ordinary permissions. */
  private static void publishable(Path tmp) throws IOException {
    if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(tmp, READABLE);
    }
  }

  /** Writes {@code value} as JSON with {@code mapper}, atomically: serialised first, so a failure leaves the old file. */
  public static void writeJson(Path target, ObjectMapper mapper, Object value) throws IOException {
    byte[] bytes = mapper.writeValueAsBytes(value);
    write(target, out -> out.write(bytes));
  }

  /** Writes a protocol buffer atomically, serialised the same way on every run. */
  public static void writeProto(Path target, MessageLite message) throws IOException {
    write(target, out -> {
      // map fields (e.g. node attributes) are written in hash order unless asked otherwise
      CodedOutputStream coded = CodedOutputStream.newInstance(out);
      coded.useDeterministicSerialization();
      message.writeTo(coded);
      coded.flush();
    });
  }

  /**
   * Writes {@code target} through a temporary sibling file that is renamed over it once complete.
   *
   * @throws IOException from {@code content} or the file system; {@code target} is then unchanged
   */
  public static void write(Path target, Content content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      publishable(tmp);
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }
}
