package dev.ekg.data;

import dev.ekg.io.AtomicDirectory;
import dev.ekg.io.HttpDownload;
import dev.ekg.io.TarGzArchive;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fetches a CIFAR binary archive, checks its MD5 and publishes it unpacked in a data folder at once
 * (see {@link AtomicDirectory}), where {@link CifarReader} finds it ({@code DIR/cifar-10-batches-bin/}
 * or {@code DIR/cifar-100-binary/}). The archive is fetched into a partial file beside the folder,
 * kept when the transfer breaks off so that the next run resumes it, deleted otherwise.
 */
public final class CifarDownload {
  /**
   * Where an archive comes from and the MD5 it must have.
   *
   * @param md5 32 hex digits, any case
   */
  public record Source(URI url, String md5) {
    public Source {
      if (!md5.matches("[0-9a-fA-F]{32}")) {
        throw new IllegalArgumentException("--md5 is '" + md5 + "', expected 32 hex digits");
      }
    }

    /** The archive published by the dataset's authors. */
    public static Source official(CifarVariant variant) {
      return switch (variant) {
        case CIFAR10 -> new Source(URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
            "c32a1d4ab5d03f1284b67883e8d87530");
        case CIFAR100 -> new Source(URI.create("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"),
            "03b5dce01913d631647c71ecec9e9cb8");
      };
    }
  }

  /**
   * What {@link #run} published.
   *
   * @param folder the dataset's folder inside the data folder
   * @param archiveBytes the size of the archive
   */
  public record Summary(Path folder, long archiveBytes, int trainImages, int testImages) {}

  private CifarDownload() {}

  /**
   * Fetches {@code source} (resuming a partial file left by an interrupted run), checks its MD5,
   * unpacks it and publishes {@code dataPath}, which must be absent or empty unless
   * {@code overwrite}.
   *
   * @throws DatasetException for a wrong MD5 (expected and actual) or an archive that unpacks to
   *     no complete {@code variant} dataset
   * @throws IOException when the transfer fails (the partial file is then kept) or the archive is
   *     truncated or corrupt
   * @throws IllegalArgumentException when {@code dataPath} is refused
   */
  public static Summary run(CifarVariant variant, Path dataPath, Source source, boolean overwrite,
      HttpDownload download, HttpDownload.Progress progress) throws IOException {
    AtomicDirectory.check("--data_path", dataPath, overwrite, Map.of());
    Path part = partFile(dataPath, source.url());
    Files.createDirectories(part.getParent());
    long bytes = download.fetch(source.url(), part, progress);
    try {
      String md5 = md5(part);
      if (!md5.equalsIgnoreCase(source.md5())) {
        throw new DatasetException(source.url() + ": the archive's MD5 is " + md5 + ", expected "
            + source.md5().toLowerCase(Locale.ROOT) + " (" + bytes + " bytes received; deleted, the next run fetches it anew)");
      }
      CifarVariant.FileLayout layout = variant.binary();
      CifarSplits splits = AtomicDirectory.write("--data_path", dataPath, overwrite, Map.of(), dir -> {
        TarGzArchive.unpack(part, dir);
        requireComplete(source.url(), dir.resolve(layout.folder()), layout);
        return CifarReader.read(dir, variant);
      });
      return new Summary(dataPath.resolve(layout.folder()), bytes, splits.train().size(), splits.test().size());
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /** {@code DIR.<archive name>.part} beside {@code dataPath}, so two archives never share one. */
  static Path partFile(Path dataPath, URI url) {
    Path absolute = dataPath.toAbsolutePath().normalize();
    String path = url.getPath() == null ? "" : url.getPath();
    String name = path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
    return absolute.resolveSibling(absolute.getFileName() + "." + (name.isEmpty() ? "archive" : name) + ".part");
  }

  /** The archive's folder holds every file of the binary layout (the reader would name a temporary folder). */
  private static void requireComplete(URI url, Path folder, CifarVariant.FileLayout layout) throws DatasetException {
    List<String> names = new ArrayList<>(layout.trainFiles());
    names.add(layout.testFile());
    List<String> missing = names.stream().filter(n -> !Files.isRegularFile(folder.resolve(n))).toList();
    if (!missing.isEmpty()) {
      throw new DatasetException(url + ": the archive holds no complete " + layout.folder() + "/: missing "
          + missing + " of " + names);
    }
  }

  private static String md5(Path file) throws IOException {
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has MD5", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md5)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md5.digest());
  }
}
