package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.data.ArchiveServer;
import dev.ekg.data.CifarReader;
import dev.ekg.data.CifarVariant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadCommandTest {
  @TempDir Path dir;

  private final Console console = new Console();

  @Test
  void downloadsResumesAndSaysWhat() throws IOException {
    byte[] archive = ArchiveServer.cifar10Archive(dir);
    String md5 = ArchiveServer.md5(archive);
    Path data = dir.resolve("cifar10");
    try (ArchiveServer server = ArchiveServer.serving(archive)) {
      server.dropNextAfter(20_000);
      String[] args = {"download", "--data_path", data.toString(), "--url", server.url().toString(), "--md5", md5};
      assertEquals(2, console.run(args));
      String[] lines = console.err().split("\n");
      assertTrue(lines[lines.length - 1].startsWith("download: error: " + server.url() + ": the transfer broke off after "),
          console.err());
      assertFalse(Files.exists(data));

      assertEquals(0, console.run(args), console.err());
      assertTrue(console.err().startsWith("download: resuming after 0.0"), console.err());
      String archiveName = server.url().getPath().replaceAll(".*/", "");
      assertTrue(console.err().contains("\ndownload " + archiveName + ": 0.1/0.1 MiB, "), console.err());
      assertTrue(console.err().contains(", done in "), console.err());
      assertEquals("downloaded CIFAR10 (" + archive.length + " bytes, MD5 " + md5 + ") into "
          + data.resolve("cifar-10-batches-bin") + ": 10 train + 10 test images\n", console.out());
    }
    assertEquals(10, CifarReader.read(data, CifarVariant.CIFAR10).train().size());
  }

  @Test
  void aMalformedChecksumIsAFlagError() {
    assertEquals(2, console.run("download", "--data_path", dir.resolve("d").toString(), "--md5", "xyz"));
    assertTrue(console.err().startsWith("--md5 is 'xyz', expected 32 hex digits"), console.err());
  }

  @Test
  void aWrongChecksumIsOneLineAndExitCode2() throws IOException {
    byte[] archive = ArchiveServer.cifar10Archive(dir);
    try (ArchiveServer server = ArchiveServer.serving(archive)) {
      assertEquals(2, console.run("download", "--dataset", "cifar10", "--data_path", dir.resolve("d").toString(), "--url",
          server.url().toString(), "--md5", "0".repeat(32)));
      String[] lines = console.err().split("\n");
      assertEquals("download: error: " + server.url() + ": the archive's MD5 is " + ArchiveServer.md5(archive)
          + ", expected " + "0".repeat(32) + " (" + archive.length + " bytes received; deleted, the next run fetches it anew)",
          lines[lines.length - 1]);
    }
    assertFalse(Files.exists(dir.resolve("d")));
  }
}
