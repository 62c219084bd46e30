package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.data.CifarReader;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.IdxFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportIdxCommandTest {
  @TempDir Path dir;

  private final Console console = new Console();

  @Test
  void importsAndSaysWhat() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("fashion"), 10, 5, true);
    Path data = dir.resolve("data");
    assertEquals(0, console.run("import_idx", "--idx_path", idx.toString(), "--data_path", data.toString()), console.err());
    assertEquals("imported 10 train + 5 test images from " + idx + " into " + data + " (data_batch_1.bin, "
        + "data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin, batches.meta.txt), "
        + "classes T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot\n", console.out());
    assertEquals("", console.err());
    assertEquals(5, CifarReader.read(data, CifarVariant.CIFAR10).test().size());

    assertEquals(2, console.run("import_idx", "--idx_path", idx.toString(), "--data_path", data.toString(), "--class_names", "none"));
    assertEquals("import_idx: error: --data_path " + data + " is not empty: pass --overwrite to replace it\n", console.err());
    assertEquals(0, console.run("import_idx", "--idx_path", idx.toString(), "--data_path", data.toString(), "--class_names", "none",
        "--overwrite"), console.err());
    assertTrue(console.out().endsWith("test_batch.bin)\n"), console.out());
    assertFalse(Files.exists(data.resolve("batches.meta.txt")));
  }

  @Test
  void aMalformedFileIsOneLineAndExitCode2() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, false);
    byte[] labels = IdxFixtures.labels(0, 10);
    labels[8 + 7] = 10;
    Path file = IdxFixtures.put(idx, IdxFixtures.TRAIN_LABELS, labels, false);
    assertEquals(2, console.run("import_idx", "--idx_path", idx.toString(), "--data_path", dir.resolve("data").toString()));
    assertEquals("import_idx: error: " + file + ": label 10 of item 7, expected 0..9\n", console.err());
    assertEquals("", console.out());
    assertFalse(Files.exists(dir.resolve("data")));
  }

  @Test
  void anUnknownClassNameSetIsAFlagError() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 5, 1, false);
    assertEquals(2, console.run("import_idx", "--idx_path", idx.toString(), "--data_path", dir.resolve("data").toString(),
        "--class_names", "cifar"));
    assertTrue(console.err().startsWith("--class_names is 'cifar', expected one of auto, fashion-mnist, mnist, none"),
        console.err());
    assertFalse(Files.exists(dir.resolve("data")));
  }
}
