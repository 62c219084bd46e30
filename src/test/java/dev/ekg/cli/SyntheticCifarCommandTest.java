package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.data.CifarReader;
import dev.ekg.data.CifarSplits;
import dev.ekg.data.CifarVariant;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SyntheticCifarCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new SyntheticCifarCommand())
        .setExecutionExceptionHandler(new UserErrors())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void writesAndSaysWhat() throws IOException {
    Path data = dir.resolve("synthetic");
    assertEquals(0, run("--data_path", data.toString(), "--train_per_class", "3", "--test_per_class", "2", "--seed", "7"));
    assertEquals(
        "wrote synthetic CIFAR10 (10 classes, seed 7): 30 train + 20 test images, 6 files (data_batch_1.bin, "
            + "data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin), "
            + 50 * 3073 + " bytes, in " + data + System.lineSeparator(),
        out.toString());
    assertEquals("", err.toString());
    CifarSplits splits = CifarReader.read(data, CifarVariant.CIFAR10);
    assertEquals(30, splits.train().size());
    assertEquals(20, splits.test().size());
  }

  @Test
  void cifar100() throws IOException {
    assertEquals(0, run("--data_path", dir.toString(), "--dataset", "CIFAR100", "--train_per_class", "1", "--test_per_class", "1"));
    assertTrue(out.toString().contains("CIFAR100 (100 classes, seed 1): 100 train + 100 test images, 2 files (train.bin, test.bin), "
        + 200 * 3074 + " bytes"), out.toString());
    assertEquals(100, CifarReader.read(dir, CifarVariant.CIFAR100).test().size());
  }

  @Test
  void refusesToOverwriteWithoutTheFlag() throws IOException {
    Files.writeString(dir.resolve("data_batch_1.bin"), "old");
    assertEquals(2, run("--data_path", dir.toString(), "--train_per_class", "1", "--test_per_class", "1"));
    assertTrue(err.toString().contains("--data_path " + dir + " is not empty; pass --overwrite"), err.toString());
    assertEquals("", out.toString());
    assertEquals("old", Files.readString(dir.resolve("data_batch_1.bin")));

    assertEquals(0, run("--data_path", dir.toString(), "--train_per_class", "1", "--test_per_class", "1", "--overwrite"));
    assertEquals(2 * 3073, Files.size(dir.resolve("data_batch_1.bin")));
  }

  @Test
  void aFileIsNotADataFolder() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "mine");
    assertEquals(2, run("--data_path", file.toString(), "--train_per_class", "1", "--test_per_class", "1"));
    assertEquals("make_synthetic_cifar: error: --data_path " + file + " is a file, expected a directory\n",
        err.toString());
    assertEquals("mine", Files.readString(file));
  }

  @Test
  void sameSeedSameFiles() throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    assertEquals(0, run("--data_path", a.toString(), "--train_per_class", "2", "--test_per_class", "1", "--seed", "3"));
    assertEquals(0, run("--data_path", b.toString(), "--train_per_class", "2", "--test_per_class", "1", "--seed", "3"));
    for (String name : new String[] {"data_batch_1.bin", "data_batch_5.bin", "test_batch.bin"}) {
      assertEquals(-1, Files.mismatch(a.resolve(name), b.resolve(name)), name);
    }
  }

  @Test
  void rejectsCountsOutOfRange() {
    assertEquals(2, run("--data_path", dir.toString(), "--train_per_class", "0"));
    assertTrue(err.toString().contains(
        "--train_per_class / --test_per_class: images per class must be in [1, 69905] for CIFAR10, got train 0, test 100"),
        err.toString());
    assertEquals(2, run("--data_path", dir.toString(), "--dataset", "CIFAR100", "--test_per_class", "7000"));
    assertTrue(err.toString().contains("must be in [1, 6990] for CIFAR100, got train 500, test 7000"), err.toString());
  }

  @Test
  void helpShowsDefaults() {
    assertEquals(0, run("--help"));
    String help = out.toString();
    assertTrue(help.startsWith("Usage: make_synthetic_cifar"), help);
    for (String expected : new String[] {"(default: CIFAR10)", "(default: 500)", "(default: 100)", "(default: 1)", "(default: false)", "--data_path=DIR"}) {
      assertTrue(help.contains(expected), "expected " + expected + " in\n" + help);
    }
  }
}
