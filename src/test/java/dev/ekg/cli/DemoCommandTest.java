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

/** The demo's own part: the baseline and the data it needs, the import into its cache, the hand-over to train_cifar. */
class DemoCommandTest {
  @TempDir Path dir;

  private final Console console = new Console();

  @Test
  void aMissingBaselineNamesTheShippedFile() {
    Path missing = dir.resolve("none.pkl");
    assertEquals(2, console.run("demo", "--trained_param", missing.toString()));
    assertEquals("demo: error: --trained_param " + missing + " does not exist: it is the baseline shipped in the "
        + "project's checkpoints/resnet20_fashion_mnist.pkl\n", console.err());
  }

  @Test
  void aFolderWithoutFashionMnistNamesTheCommandThatInstallsIt() throws IOException {
    Path baseline = Files.writeString(dir.resolve("baseline.pkl"), "");
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertEquals(2, console.run("demo", "--trained_param", baseline.toString(), "--idx_path", empty.toString(),
        "--data_cache", dir.resolve("cache").toString()));
    assertEquals("demo: error: " + empty + " does not hold Fashion-MNIST (train-images-idx3-ubyte, "
        + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each raw or .gz): install it with "
        + "`sudo apt-get install dataset-fashion-mnist` (Debian, Ubuntu), or pass --idx_path with a folder that holds "
        + "those files\n", console.err());
    assertFalse(Files.exists(dir.resolve("cache")));
  }

  @Test
  void importsTheSetOnceAndHandsTheRunToTrainCifar() throws IOException {
    Path idx = IdxFixtures.write(dir.resolve("fashion"), 50, 10, true);
    Path baseline = Files.writeString(dir.resolve("baseline.pkl"), "");
    Path cache = dir.resolve("cache");
    Path runs = dir.resolve("demo");
    String[] args = {"demo", "--trained_param", baseline.toString(), "--idx_path", idx.toString(),
        "--data_cache", cache.toString(), "--train_path", runs.toString(), "--train_per_class", "6"};
    String command = "demo: ./ekg train_cifar --arch ResNet-20 --dataset CIFAR10 --trained_param " + baseline
        + " --data_path " + cache + " --train_path " + runs + " --search_target_rate 0.45 --train_epoch 3"
        + " --learning_rate 0.02 --decay_points 2.0 --decay_rate 0.1 --train_per_class 6 --threads 0\n";
    String refused = "train_cifar: error: --train_per_class 6: in the training set of --data_path " + cache
        + ", class 0 has 5 images, fewer than the 6 asked for\n";

    assertEquals(2, console.run(args));
    assertEquals(command, console.out());
    assertEquals("demo: importing Fashion-MNIST from " + idx + " into " + cache + "\n" + refused, console.err());
    assertEquals(50, CifarReader.read(cache, CifarVariant.CIFAR10).train().size());
    assertEquals("T-shirt/top", Files.readAllLines(cache.resolve("batches.meta.txt")).get(0));
    assertFalse(Files.exists(runs), "train_cifar refused the run before touching --train_path");

    assertEquals(2, console.run(args));
    assertEquals(refused, console.err(), "the cache is imported once");
  }
}
