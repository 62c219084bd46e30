package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.Goldens;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.SyntheticCifar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reproducible by default (README, "Reproducibility"): one train_cifar command, default thread
 * settings, run twice in separate JVMs at the same time, so that each one loads the machine for the
 * other and their threads interleave differently. Every file that holds a result is the same byte
 * for byte: the search log and history, the warmed, slimmed and fine-tuned weights, the memory bank,
 * the training checkpoint.
 */
class ReproducibleRunTest {
  /** Files whose bytes depend only on the computation (TensorBoard events and summary.json hold times). */
  private static final List<String> RESULTS = List.of("warmed_params.pkl", "search_log.jsonl", "search_history.json",
      "search_state.json", "CIFAR10_knowledge.npy", "kept_channels.json", "slimmed_params.pkl",
      "checkpoints/slimmed.data-00000-of-00001", "trained_params.pkl", "checkpoints/epoch-0001.data-00000-of-00001",
      NumericsFile.FILE);

  @TempDir Path dir;

  @Test
  void twoConcurrentRunsOfOneCommandWriteIdenticalResults() throws Exception {
    Path data = dir.resolve("data");
    new SyntheticCifar(CifarVariant.CIFAR10, 16, 4, 3, SyntheticCifar.DEFAULT_NOISE).write(data, false);
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    Process a = start(data, first);
    Process b = start(data, second);
    assertEquals(0, a.waitFor(), Files.readString(log(first)));
    assertEquals(0, b.waitFor(), Files.readString(log(second)));

    List<String> steps = Files.readAllLines(first.resolve("search_log.jsonl"));
    assertTrue(steps.size() >= 2, "a search of several steps: " + steps);
    for (String name : RESULTS) {
      assertArrayEquals(Files.readAllBytes(first.resolve(name)), Files.readAllBytes(second.resolve(name)), name);
    }
    assertEquals(results(first), results(second));
  }

  /** The console lines that report results, without the seconds some of them end with. */
  private static List<String> results(Path run) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log(run))) {
      // the result table's rows also hold latencies (its accuracy and FLOPs are in the Epoch and Pruned
      // lines), and progress lines rates: neither is compared
      if (line.matches("(search step|memory bank:|Pruned|Epoch|FLOPs target).*")) {
        lines.add(line.replaceFirst(", [0-9.]+ s$", ""));
      }
    }
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("Epoch: 1")), String.join("\n", lines));
    return lines;
  }

  private static Path log(Path run) {
    return run.resolveSibling(run.getFileName() + ".log");
  }

  /**
   * The pretrained ResNet-56, a search to 97 % of its FLOPs (a few steps) on 40 validation images,
   * then the memory bank, pruning and one fine-tuning epoch on 160 images.
   */
  private static Process start(Path data, Path run) throws IOException {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "train_cifar",
        "--trained_param", Goldens.pretrainedResNet56().toString(), "--data_path", data.toString(),
        "--train_path", run.toString(), "--search_target_rate", "0.97", "--search_val_per_class", "4",
        "--search_train_per_class", "8", "--search_batch_size", "40", "--num_teacher", "2", "--train_epoch", "1",
        "--batch_size", "32", "--val_batch_size", "40", "--do_log", "0");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(run).toFile());
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    return builder.start();
  }
}
