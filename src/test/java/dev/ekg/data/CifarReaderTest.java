package dev.ekg.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
  @TempDir Path dir;

  @Test
  void emptyDirectoryListsEveryFileLookedFor() {
    DatasetException e = assertThrows(DatasetException.class, () -> CifarReader.read(dir, CifarVariant.CIFAR10));
    String m = e.getMessage();
    assertTrue(m.startsWith("no complete CIFAR10 dataset under " + dir + "; looked for"), m);
    for (String expected : new String[] {
        "binary files [data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin] in " + dir + ": missing all",
        "binary files [data_batch_1.bin", "in " + dir.resolve("cifar-10-batches-bin") + ": missing all",
        "python files [data_batch_1, data_batch_2, data_batch_3, data_batch_4, data_batch_5, test_batch] in " + dir + ": missing all",
        "in " + dir.resolve("cifar-10-batches-py") + ": missing all"}) {
      assertTrue(m.contains(expected), "expected <" + expected + "> in:\n" + m);
    }
    assertTrue(m.endsWith(String.format("%n  `./ekg download --dataset CIFAR10 --data_path %s` fetches it; "
        + "`./ekg import_idx --idx_path IDX_DIR --data_path %s` makes one from MNIST-style IDX files", dir, dir)), m);
  }

  @Test
  void aMissingDirectoryNamesTheCommandsThatFillIt() {
    Path missing = dir.resolve("missing");
    DatasetException e = assertThrows(DatasetException.class, () -> CifarReader.readTest(missing, CifarVariant.CIFAR100));
    assertEquals("--data_path " + missing + " does not exist, expected a directory with the CIFAR100 files: "
        + "`./ekg download --dataset CIFAR100 --data_path " + missing + "` fetches it", e.getMessage());
  }

  @Test
  void partialDistributionNamesTheMissingFiles() throws IOException {
    new SyntheticCifar(CifarVariant.CIFAR10, 1, 1, 1, 0).write(dir, false);
    Files.delete(dir.resolve("data_batch_3.bin"));
    Files.delete(dir.resolve("test_batch.bin"));
    DatasetException e = assertThrows(DatasetException.class, () -> CifarReader.read(dir, CifarVariant.CIFAR10));
    assertTrue(e.getMessage().contains("in " + dir + ": missing [data_batch_3.bin, test_batch.bin]"), e.getMessage());
  }

  @Test
  void cifar100LooksForItsOwnNames() {
    DatasetException e = assertThrows(DatasetException.class, () -> CifarReader.read(dir, CifarVariant.CIFAR100));
    assertTrue(e.getMessage().contains("binary files [train.bin, test.bin]"), e.getMessage());
    assertTrue(e.getMessage().contains(dir.resolve("cifar-100-binary").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("python files [train, test]"), e.getMessage());
    assertTrue(e.getMessage().contains(dir.resolve("cifar-100-python").toString()), e.getMessage());
  }

  @Test
  void binaryIsPreferredOverPython() throws IOException {
    new SyntheticCifar(CifarVariant.CIFAR10, 2, 1, 1, 0).write(dir, false);
    for (String name : new String[] {"data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"}) {
      Files.writeString(dir.resolve(name), "not a pickle");
    }
    assertEquals(20, CifarReader.read(dir, CifarVariant.CIFAR10).train().size());
  }

  @Test
  void variantNamesAreTheReferenceDatasetNames() {
    assertEquals(CifarVariant.CIFAR10, CifarVariant.fromName("CIFAR10"));
    assertEquals(CifarVariant.CIFAR100, CifarVariant.fromName("cifar100"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CifarVariant.fromName("MNIST"));
    assertEquals("unknown dataset 'MNIST', expected one of CIFAR10, CIFAR100", e.getMessage());
    assertEquals(3073, CifarVariant.CIFAR10.recordBytes());
    assertEquals(3074, CifarVariant.CIFAR100.recordBytes());
  }
}
