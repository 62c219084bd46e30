package dev.ekg.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.io.HttpDownload;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarDownloadTest {
  @TempDir Path dir;

  private byte[] archive;
  private Path outs;
  private Path data;
  private final List<long[]> progress = new ArrayList<>();

  @BeforeEach
  void prepare() throws IOException {
    archive = ArchiveServer.cifar10Archive(dir);
    outs = Files.createDirectories(dir.resolve("outs"));
    data = outs.resolve("cifar10");
  }

  private CifarDownload.Summary download(URI url, String md5) throws IOException {
    return CifarDownload.run(CifarVariant.CIFAR10, data, new CifarDownload.Source(url, md5), false,
        HttpDownload.standard(), (done, total) -> progress.add(new long[] {done, total}));
  }

  private Path part() {
    return outs.resolve("cifar10." + ArchiveServer.NAME + ".part");
  }

  private List<String> besideData() throws IOException {
    try (Stream<Path> entries = Files.list(outs)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The unpacked dataset holds the archive's images. */
  private void assertDataset() throws IOException {
    CifarSplits got = CifarReader.read(data, CifarVariant.CIFAR10);
    CifarSplits expected = CifarReader.read(dir.resolve("archive-content"), CifarVariant.CIFAR10);
    assertArrayEquals(expected.train().labels(), got.train().labels());
    assertEquals(expected.test().images(), got.test().images());
    assertEquals(List.of("cifar10"), besideData());
  }

  @Test
  void aGoodArchiveEndsUpReadable() throws IOException {
    try (ArchiveServer server = ArchiveServer.serving(archive)) {
      CifarDownload.Summary summary = download(server.url(), ArchiveServer.md5(archive));
      assertEquals(data.resolve("cifar-10-batches-bin"), summary.folder());
      assertEquals(archive.length, summary.archiveBytes());
      assertEquals(10, summary.trainImages());
      assertEquals(10, summary.testImages());
      assertEquals(List.of(""), server.ranges());
    }
    assertDataset();
    assertTrue(Files.isRegularFile(data.resolve("cifar-10-batches-bin/batches.meta.txt")));
    assertArrayEquals(new long[] {archive.length, archive.length}, progress.get(progress.size() - 1));
    assertArrayEquals(new long[] {0, archive.length}, progress.get(0));
  }

  @Test
  void missingParentFoldersAreCreated() throws IOException {
    data = outs.resolve("a/b/cifar10");
    try (ArchiveServer server = ArchiveServer.serving(archive)) {
      download(server.url(), ArchiveServer.md5(archive));
    }
    assertEquals(10, CifarReader.read(data, CifarVariant.CIFAR10).test().size());
    try (Stream<Path> beside = Files.list(data.getParent())) {
      assertEquals(List.of(data), beside.toList());
    }
  }

  @Test
  void aWrongChecksumNamesBothAndDeletesTheDownload() throws IOException {
    try (ArchiveServer server = ArchiveServer.serving(archive)) {
      DatasetException e = assertThrows(DatasetException.class, () -> download(server.url(), "0123456789ABCDEF0123456789abcdef"));
      assertEquals(server.url() + ": the archive's MD5 is " + ArchiveServer.md5(archive)
          + ", expected 0123456789abcdef0123456789abcdef (" + archive.length
          + " bytes received; deleted, the next run fetches it anew)", e.getMessage());
    }
    assertEquals(List.of(), besideData());
  }

  @Test
  void aTruncatedArchiveIsRefused() throws IOException {
    byte[] truncated = Arrays.copyOf(archive, archive.length / 2);
    try (ArchiveServer server = ArchiveServer.serving(truncated)) {
      IOException e = assertThrows(IOException.class, () -> download(server.url(), ArchiveServer.md5(truncated)));
      assertTrue(e.getMessage().startsWith(part() + ": not a complete tar.gz archive ("), e.getMessage());
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
    assertEquals(List.of(), besideData());
  }

  @Test
  void anInterruptedTransferResumesWithARangeRequest() throws IOException {
    try (ArchiveServer server = ArchiveServer.serving(archive)) {
      server.dropNextAfter(10_000);
      IOException e = assertThrows(IOException.class, () -> download(server.url(), ArchiveServer.md5(archive)));
      long kept = Files.size(part());
      assertTrue(kept > 0 && kept <= 10_000, "kept " + kept);
      assertTrue(e.getMessage().startsWith(server.url() + ": the transfer broke off after " + kept + " of "
          + archive.length + " bytes ("), e.getMessage());
      assertTrue(e.getMessage().endsWith("); " + part() + " keeps them: run the command again to resume"), e.getMessage());
      assertEquals(List.of("cifar10." + ArchiveServer.NAME + ".part"), besideData());

      progress.clear();
      download(server.url(), ArchiveServer.md5(archive));
      assertEquals(List.of("", "bytes=" + kept + "-"), server.ranges());
      assertArrayEquals(new long[] {kept, archive.length}, progress.get(0));
    }
    assertDataset();
  }

  @Test
  void aServerThatIgnoresTheRangeStartsOver() throws IOException {
    try (ArchiveServer server = ArchiveServer.serving(archive)) {
      server.dropNextAfter(10_000);
      assertThrows(IOException.class, () -> download(server.url(), ArchiveServer.md5(archive)));
      long kept = Files.size(part());
      server.ignoreRanges();
      progress.clear();
      download(server.url(), ArchiveServer.md5(archive));
      assertEquals(List.of("", "bytes=" + kept + "-"), server.ranges());
      assertArrayEquals(new long[] {0, archive.length}, progress.get(0));
    }
    assertDataset();
  }

  @Test
  void aCompletePartialFileIsNotFetchedAgain() throws IOException {
    Files.write(part(), archive);
    try (ArchiveServer server = ArchiveServer.serving(archive)) {
      download(server.url(), ArchiveServer.md5(archive));
      assertEquals(List.of("bytes=" + archive.length + "-"), server.ranges());
    }
    assertDataset();
  }

  @Test
  void entriesOutsideTheFolderAreRefused() throws IOException {
    for (String name : List.of("../evil.bin", "cifar-10-batches-bin/../../evil.bin", "/tmp/evil.bin")) {
      Map<String, byte[]> entries = new LinkedHashMap<>();
      entries.put("cifar-10-batches-bin/data_batch_1.bin", new byte[3073]);
      entries.put(name, new byte[] {1});
      byte[] evil = ArchiveServer.tarGz(entries);
      try (ArchiveServer server = ArchiveServer.serving(evil)) {
        IOException e = assertThrows(IOException.class, () -> download(server.url(), ArchiveServer.md5(evil)));
        assertEquals(part() + ": entry " + name + " has an absolute path or a '..' segment, expected a path inside "
            + "the archive's folder", e.getMessage());
      }
      assertEquals(List.of(), besideData(), name);
      assertFalse(Files.exists(dir.resolve("evil.bin")));
    }
  }

  @Test
  void anArchiveWithoutTheDatasetFolderIsRefused() throws IOException {
    byte[] other = ArchiveServer.tarGz(Map.of("cifar-100-binary/train.bin", new byte[3074]));
    try (ArchiveServer server = ArchiveServer.serving(other)) {
      DatasetException e = assertThrows(DatasetException.class, () -> download(server.url(), ArchiveServer.md5(other)));
      assertEquals(server.url() + ": the archive holds no complete cifar-10-batches-bin/: missing [data_batch_1.bin, "
          + "data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin] of [data_batch_1.bin, "
          + "data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin]", e.getMessage());
    }
    assertEquals(List.of(), besideData());
  }

  @Test
  void anHttpErrorKeepsNothing() throws IOException {
    try (ArchiveServer server = ArchiveServer.serving(archive)) {
      IOException e = assertThrows(IOException.class, () -> download(server.url("missing.tar.gz"), ArchiveServer.md5(archive)));
      assertEquals(server.url("missing.tar.gz") + ": HTTP status 404, expected 200", e.getMessage());
    }
    assertEquals(List.of(), besideData());
  }

  @Test
  void aNonEmptyDataPathIsRefusedBeforeTheTransfer() throws IOException {
    Files.createDirectories(data);
    Files.writeString(data.resolve("mine.txt"), "mine");
    try (ArchiveServer server = ArchiveServer.serving(archive)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> download(server.url(), ArchiveServer.md5(archive)));
      assertEquals("--data_path " + data + " is not empty: pass --overwrite to replace it", e.getMessage());
      assertEquals(List.of(), server.ranges());
    }
    assertEquals("mine", Files.readString(data.resolve("mine.txt")));
  }

  @Test
  void theOfficialSourcesAndChecksumFormat() {
    assertEquals("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
        CifarDownload.Source.official(CifarVariant.CIFAR100).url().toString());
    assertEquals("c32a1d4ab5d03f1284b67883e8d87530", CifarDownload.Source.official(CifarVariant.CIFAR10).md5());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CifarDownload.Source(URI.create("http://127.0.0.1/x"), "abc"));
    assertEquals("--md5 is 'abc', expected 32 hex digits", e.getMessage());
  }
}
