package dev.ekg.data;

import static dev.ekg.data.IdxFixtures.TEST_IMAGES;
import static dev.ekg.data.IdxFixtures.TEST_LABELS;
import static dev.ekg.data.IdxFixtures.TRAIN_IMAGES;
import static dev.ekg.data.IdxFixtures.TRAIN_LABELS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.data.IdxImport.ClassNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxImportTest {
  private static final List<String> BATCHES = List.of(
      "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");

  @TempDir Path dir;

  /** Where the outputs go: a folder of their own, so that leftovers beside them show. */
  private Path outs() throws IOException {
    return Files.createDirectories(dir.resolve("outs"));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void padsCopiesTheChannelsKeepsTheOrderAndSplitsIntoFiveBatches(boolean gzip) throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, gzip);
    Path out = outs().resolve("cifar");
    IdxImport.Summary summary = IdxImport.run(idx, out, false, ClassNames.MNIST);
    assertEquals(10, summary.trainImages());
    assertEquals(5, summary.testImages());
    List<String> names = Stream.concat(BATCHES.stream(), Stream.of("test_batch.bin", "batches.meta.txt")).toList();
    assertEquals(names.stream().map(out::resolve).toList(), summary.files());
    try (Stream<Path> entries = Files.list(out)) {
      assertEquals(names.stream().sorted().toList(), entries.map(p -> p.getFileName().toString()).sorted().toList());
    }
    for (int b = 0; b < 5; b++) {
      byte[] file = Files.readAllBytes(out.resolve(BATCHES.get(b)));
      assertEquals(2 * 3073, file.length, BATCHES.get(b));
      for (int r = 0; r < 2; r++) {
        assertRecord(file, r, 0, b * 2 + r);
      }
    }
    byte[] test = Files.readAllBytes(out.resolve("test_batch.bin"));
    assertEquals(5 * 3073, test.length);
    for (int r = 0; r < 5; r++) {
      assertRecord(test, r, 1, r);
    }
  }

  /** Record {@code r} of {@code file} is image {@code i} of the split: its label, then R, G, B planes alike. */
  private static void assertRecord(byte[] file, int r, int split, int i) {
    int base = r * 3073;
    assertEquals(IdxFixtures.label(split, i), file[base], "label of record " + r);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          boolean inside = y >= 2 && y < 30 && x >= 2 && x < 30;
          int expected = inside ? IdxFixtures.pixel(split, i, y - 2, x - 2) : 0;
          assertEquals(expected, file[base + 1 + c * 1024 + y * 32 + x] & 0xFF,
              "record " + r + " channel " + c + " y " + y + " x " + x);
        }
      }
    }
  }

  @Test
  void theCifarReaderReadsTheResult() throws IOException {
    Path out = outs().resolve("cifar");
    IdxImport.run(IdxFixtures.write(dir.resolve("idx"), 10, 5, true), out, false, ClassNames.NONE);
    CifarSplits splits = CifarReader.read(out, CifarVariant.CIFAR10);
    assertEquals(10, splits.train().size());
    assertEquals(5, splits.test().size());
    for (int i = 0; i < 10; i++) {
      assertEquals(IdxFixtures.label(0, i), splits.train().label(i));
    }
    ByteBuffer images = splits.test().images();
    int image = 4 * 3072;
    for (int c = 0; c < 3; c++) {
      assertEquals(0, images.get(image + c) & 0xFF); // corner: padding
      assertEquals(IdxFixtures.pixel(1, 4, 0, 0), images.get(image + (2 * 32 + 2) * 3 + c) & 0xFF);
      assertEquals(IdxFixtures.pixel(1, 4, 27, 27), images.get(image + (29 * 32 + 29) * 3 + c) & 0xFF);
    }
    assertFalse(Files.exists(out.resolve("batches.meta.txt")));
  }

  @Test
  void classNames() throws IOException {
    Path fashion = IdxFixtures.write(dir.resolve("Fashion-MNIST/raw"), 5, 1, false);
    Path digits = IdxFixtures.write(dir.resolve("digits"), 5, 1, false);
    IdxImport.run(fashion, outs().resolve("f"), false, ClassNames.AUTO);
    assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
        "Ankle boot"), Files.readAllLines(outs().resolve("f/batches.meta.txt")));
    IdxImport.run(digits, outs().resolve("d"), false, ClassNames.AUTO);
    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
        Files.readAllLines(outs().resolve("d/batches.meta.txt")));
    IdxImport.Summary forced = IdxImport.run(digits, outs().resolve("forced"), false, ClassNames.FASHION_MNIST);
    assertEquals("Ankle boot", forced.classNames().get(9));
    assertEquals(ClassNames.FASHION_MNIST, ClassNames.fromFlag("fashion-mnist"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassNames.fromFlag("cifar"));
    assertEquals("--class_names is 'cifar', expected one of auto, fashion-mnist, mnist, none", e.getMessage());
  }

  /** The import fails with a message holding each of {@code expected}, and leaves nothing in or beside OUT. */
  private void assertRefused(Path idx, String... expected) throws IOException {
    Path outs = outs();
    DatasetException e = assertThrows(DatasetException.class,
        () -> IdxImport.run(idx, outs.resolve("cifar"), false, ClassNames.AUTO));
    for (String part : expected) {
      assertTrue(e.getMessage().contains(part), "expected <" + part + "> in: " + e.getMessage());
    }
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    try (Stream<Path> left = Files.list(outs)) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  void wrongMagicNumber() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, false);
    Path images = IdxFixtures.put(idx, TEST_IMAGES, IdxFixtures.labels(1, 5), false);
    assertRefused(idx, images + ": expected IDX magic number 0x00000803 (unsigned bytes, 3 dimensions), got 0x00000801");
  }

  @Test
  void imageAndLabelCountsDiffer() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, false);
    Path labels = IdxFixtures.put(idx, TRAIN_LABELS, IdxFixtures.labels(0, 9), false);
    assertRefused(idx, labels + ": 9 labels, expected 10, one per image of " + idx.resolve(TRAIN_IMAGES));
  }

  @Test
  void truncatedRawFile() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, false);
    byte[] images = IdxFixtures.images(0, 10, 28, 28);
    Path file = IdxFixtures.put(idx, TRAIN_IMAGES, Arrays.copyOf(images, images.length - 100), false);
    assertRefused(idx, file + ": truncated: expected 7840 data bytes after the header (10×28×28), got 7740");
  }

  @Test
  void truncatedHeader() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, false);
    Path file = IdxFixtures.put(idx, TEST_LABELS, Arrays.copyOf(IdxFixtures.labels(1, 5), 6), false);
    assertRefused(idx, file + ": truncated: expected a 8-byte IDX header (1 dimensions), got 6 bytes");
  }

  @Test
  void gzipThatEndsEarly() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, true);
    byte[] gz = IdxFixtures.gzip(IdxFixtures.images(0, 10, 28, 28));
    Path file = Files.write(idx.resolve(TRAIN_IMAGES + ".gz"), Arrays.copyOf(gz, gz.length / 2));
    assertRefused(idx, file + ": truncated: expected 7840 data bytes after the header (10×28×28), got ",
        " before the gzip stream ended early");
  }

  @Test
  void gzipWithoutItsTrailer() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, true);
    byte[] gz = IdxFixtures.gzip(IdxFixtures.labels(1, 5));
    Path file = Files.write(idx.resolve(TEST_LABELS + ".gz"), Arrays.copyOf(gz, gz.length - 4));
    assertRefused(idx, file + ": truncated: the gzip stream ends early");
  }

  @Test
  void notGzipAtAll() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, true);
    Path file = Files.write(idx.resolve(TEST_LABELS + ".gz"), IdxFixtures.labels(1, 5));
    assertRefused(idx, file + ": not a valid gzip file (Not in GZIP format)");
  }

  @Test
  void moreBytesThanTheHeaderSays() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, false);
    byte[] labels = IdxFixtures.labels(1, 5);
    Path file = IdxFixtures.put(idx, TEST_LABELS, Arrays.copyOf(labels, labels.length + 3), false);
    assertRefused(idx, file + ": expected 5 data bytes after the header (5), got 8");
  }

  @Test
  void labelOutOfRange() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, false);
    byte[] labels = IdxFixtures.labels(1, 5);
    labels[8 + 3] = 12;
    Path file = IdxFixtures.put(idx, TEST_LABELS, labels, false);
    assertRefused(idx, file + ": label 12 of item 3, expected 0..9");
  }

  @Test
  void imagesThatAreNot28By28() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, false);
    Path file = IdxFixtures.put(idx, TRAIN_IMAGES, IdxFixtures.images(0, 10, 32, 32), false);
    assertRefused(idx, file + ": images are 32×32, expected 28×28");
  }

  @Test
  void aMissingFileNamesBothNamesLookedFor() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, true);
    Files.delete(idx.resolve(TEST_LABELS + ".gz"));
    assertRefused(idx, idx + ": missing t10k-labels-idx1-ubyte (looked for t10k-labels-idx1-ubyte and "
        + "t10k-labels-idx1-ubyte.gz)");
  }

  @Test
  void aTrainingCountNotDivisibleByFive() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 12, 5, false);
    assertRefused(idx, idx.resolve(TRAIN_IMAGES) + ": 12 training images, expected a multiple of 5 to fill the 5 "
        + "equal batch files [data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin]");
  }

  @Test
  void noImages() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 0, 5, false);
    assertRefused(idx, idx.resolve(TRAIN_IMAGES) + ": 0 images, expected at least 1");
  }

  @Test
  void aMissingIdxFolder() throws IOException {
    assertRefused(dir.resolve("nowhere"), "--idx_path " + dir.resolve("nowhere") + " does not exist, expected a "
        + "directory with the IDX files [" + TRAIN_IMAGES + ", " + TRAIN_LABELS + ", " + TEST_IMAGES + ", " + TEST_LABELS
        + "] (each raw or .gz)");
  }

  @Test
  void aNonEmptyOutputIsReplacedOnlyWithOverwrite() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 10, 5, false);
    Path out = Files.createDirectories(outs().resolve("cifar"));
    Files.writeString(out.resolve("old.txt"), "old");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IdxImport.run(idx, out, false, ClassNames.AUTO));
    assertEquals("--data_path " + out + " is not empty: pass --overwrite to replace it", e.getMessage());
    assertEquals("old", Files.readString(out.resolve("old.txt")));

    IdxImport.run(idx, out, true, ClassNames.AUTO);
    assertFalse(Files.exists(out.resolve("old.txt")));
    assertEquals(10, CifarReader.read(out, CifarVariant.CIFAR10).train().size());
    try (Stream<Path> beside = Files.list(outs())) {
      assertEquals(List.of(out), beside.toList());
    }
  }

  @Test
  void anEmptyOutputFolderIsFilled() throws IOException {
    Path out = Files.createDirectories(outs().resolve("cifar"));
    IdxImport.run(IdxFixtures.write(dir.resolve("idx"), 5, 1, false), out, false, ClassNames.AUTO);
    assertEquals(5, CifarReader.read(out, CifarVariant.CIFAR10).train().size());
  }

  @Test
  void aFailedOverwriteKeepsTheOldOutput() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("idx"), 12, 5, false);
    Path out = Files.createDirectories(outs().resolve("cifar"));
    Files.writeString(out.resolve("old.txt"), "old");
    assertThrows(DatasetException.class, () -> IdxImport.run(idx, out, true, ClassNames.AUTO));
    assertEquals("old", Files.readString(out.resolve("old.txt")));
    try (Stream<Path> beside = Files.list(outs())) {
      assertEquals(List.of(out), beside.toList());
    }
  }

  @Test
  void overwriteNeverDeletesTheIdxFolder() throws IOException {
    Path out = dir.resolve("out");
    Path idx = IdxFixtures.write(out.resolve("idx"), 5, 1, false);
    assertOverwriteRefused(() -> IdxImport.run(idx, out, true, ClassNames.AUTO),
        "--overwrite would delete --idx_path " + idx + ", which this command reads: it is inside --data_path " + out
            + "; choose another --data_path");
    assertOverwriteRefused(() -> IdxImport.run(idx, idx, true, ClassNames.AUTO),
        "--overwrite would delete --idx_path " + idx + ", which this command reads: it is inside --data_path " + idx);
    assertTrue(Files.isRegularFile(idx.resolve(TRAIN_IMAGES)));
    assertArrayEquals(IdxFixtures.labels(1, 1), Files.readAllBytes(idx.resolve(TEST_LABELS)));
  }

  private static void assertOverwriteRefused(Executable run, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run);
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }

  @Test
  void anOutputThatIsAFile() throws IOException {
    Path file = Files.writeString(outs().resolve("file"), "mine");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IdxImport.run(IdxFixtures.write(dir.resolve("idx"), 5, 1, false), file, true, ClassNames.AUTO));
    assertEquals("--data_path " + file + " is a file, expected a directory", e.getMessage());
    assertEquals("mine", Files.readString(file));
  }
}
