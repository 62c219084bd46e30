package dev.ekg.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Unpacks a gzip-compressed tar archive of plain files and folders. */
public final class TarGzArchive {
  private TarGzArchive() {}

  /**
   * Unpacks {@code archive} into the existing folder {@code dir}.
   *
   * @throws IOException naming the archive, for a truncated or corrupt archive, and for an entry
   *     with an absolute path, a {@code ..} segment, or that is neither a file nor a folder (a link
   *     could point out of {@code dir}); {@code dir} may then hold part of the content
   */
  public static void unpack(Path archive, Path dir) throws IOException {
    try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip(archive, file))) {
      byte[] buffer = new byte[1 << 16];
      for (TarArchiveEntry entry; (entry = read(archive, tar::getNextEntry)) != null; ) {
        Path target = dir.resolve(safeName(archive, entry));
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else if (entry.isFile()) {
          Files.createDirectories(target.getParent());
          try (OutputStream out = Files.newOutputStream(target)) {
            for (int n; (n = read(archive, () -> tar.read(buffer))) >= 0; ) {
              out.write(buffer, 0, n);
            }
          }
        } else {
          throw new IOException(archive + ": entry " + entry.getName() + " is a link or special file, "
              + "expected a file or a folder");
        }
      }
    }
  }

  private static InputStream gzip(Path archive, InputStream in) throws IOException {
    return read(archive, () -> new GzipCompressorInputStream(in));
  }

  private static String safeName(Path archive, TarArchiveEntry entry) throws IOException {
    String name = entry.getName();
    if (name.startsWith("/") || name.startsWith("\\") || Arrays.asList(name.split("[/\\\\]")).contains("..")) {
      throw new IOException(archive + ": entry " + name + " has an absolute path or a '..' segment, "
          + "expected a path inside the archive's folder");
    }
    return name;
  }

  private interface Read<T> {
    T get() throws IOException;
  }

  /** A read of the archive: its errors mean a damaged archive, unlike those of the files written. */
  private static <T> T read(Path archive, Read<T> read) throws IOException {
    try {
      return read.get();
    } catch (IOException e) {
      throw new IOException(archive + ": not a complete tar.gz archive (" + e.getMessage() + ")", e);
    }
  }
}
