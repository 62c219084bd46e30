package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ekg.DeterministicWeights;
import dev.ekg.io.PickleWeights;
import dev.ekg.model.NetworkSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code train_cifar --round_to} on a ResNet-8 with deterministic weights (no training, no warm-up):
 * the search log, {@code kept_channels.json} and {@code arguments.json}, resume, and bad values.
 * ResNet-8's gates have 16, 32 and 64 channels, so every kept count is a multiple of N.
 */
class RoundToCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static Path data;
  private static Path weights;

  @BeforeAll
  static void dataAndWeights() throws IOException {
    data = TinyTraining.data(dir.resolve("data"));
    weights = dir.resolve("resnet8.pkl");
    PickleWeights.write(weights, DeterministicWeights.weights(NetworkSpec.parse("ResNet-8", 10).unpruned(), 5));
  }

  private static List<String> args(Path run, String... extra) {
    return CommandArgs.with(List.of("train_cifar", "--arch", "ResNet-8", "--trained_param", weights.toString(),
        "--data_path", data.toString(), "--train_path", run.toString(), "--search_target_rate", "0.5",
        "--warmup_steps", "0", "--search_val_per_class", "4", "--search_train_per_class", "8",
        "--search_batch_size", "20", "--num_teacher", "2", "--val_batch_size", "25", "--threads", "1"), extra);
  }

  /** Runs train_cifar; returns its exit code, stdout and stderr. */
  private static String[] trainCifar(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args.toArray(String[]::new));
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  private static String[] succeed(List<String> args) {
    String[] result = trainCifar(args);
    assertEquals("0", result[0], result[2]);
    return result;
  }

  private static void assertMultiples(int[] kept, int multiple, String label) {
    for (int g = 0; g < kept.length; g++) {
      assertTrue(kept[g] >= multiple && kept[g] % multiple == 0, label + ": gate " + g + " keeps " + kept[g]);
    }
  }

  private static int[] keptCounts(Path run) throws IOException {
    JsonNode kept = JSON.readTree(run.resolve("kept_channels.json").toFile());
    int[] counts = new int[kept.size()];
    Iterator<JsonNode> gates = kept.elements();
    for (int g = 0; g < counts.length; g++) {
      counts[g] = gates.next().size();
    }
    return counts;
  }

  @Test
  void theEkgSearchKeepsMultiplesOfNInEveryStepAndResumeKeepsN() throws IOException {
    Path run = dir.resolve("ekg");
    succeed(args(run, "--round_to", "4", "--phase", "search"));
    succeed(args(run, "--round_to", "4", "--phase", "prune"));
    assertEquals(4, JSON.readTree(run.resolve("arguments.json").toFile()).get("round_to").asInt());
    List<String> lines = Files.readAllLines(run.resolve("search_log.jsonl"));
    assertTrue(lines.size() >= 2, lines.size() + " steps");
    double rate = 1;
    for (String line : lines) {
      JsonNode step = JSON.readTree(line);
      assertMultiples(JSON.convertValue(step.get("kept"), int[].class), 4, "step " + step.get("step"));
      rate = step.get("flops_rate").asDouble();
    }
    assertTrue(rate <= 0.5, "the last step reaches the target: " + rate);
    assertMultiples(keptCounts(run), 4, "kept_channels.json");
    assertEquals(JSON.readTree(lines.get(lines.size() - 1)).get("kept"), JSON.valueToTree(keptCounts(run)),
        "the prune phase keeps the search's last counts");

    String[] other = trainCifar(args(run, "--round_to", "8", "--resume"));
    assertEquals("2", other[0], other[2]);
    assertTrue(other[2].contains("--round_to 4 -> 8"), other[2]);
  }

  @Test
  void magnitudePruningRoundsItsAllocation() throws IOException {
    Path run = dir.resolve("magnitude");
    String[] result = succeed(args(run, "--round_to", "8", "--method", "magnitude", "--allocation", "uniform",
        "--phase", "search"));
    assertTrue(result[1].startsWith("magnitude pruning: l1 scores, mean normalisation, uniform allocation, kept counts "
        + "multiples of 8 keep "), result[1]);
    assertMultiples(keptCounts(run), 8, "kept_channels.json");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -4})
  void aCountBelowOneStopsBeforeAnyWork(int value) {
    Path untouched = dir.resolve("bad-round-to" + value);
    String[] result = trainCifar(args(untouched, "--round_to", String.valueOf(value)));
    assertEquals("2", result[0]);
    assertEquals("train_cifar: error: --round_to must be at least 1, got " + value + "\n", result[2]);
    assertTrue(Files.notExists(untouched), untouched + " was created");
  }

  @Test
  void aTargetOutOfReachOfTheRoundedGatesStopsBeforeAnyWork() {
    Path untouched = dir.resolve("unreachable");
    String[] result = trainCifar(args(untouched, "--round_to", "32", "--search_target_rate", "0.3"));
    assertEquals("2", result[0]);
    assertTrue(result[2].startsWith("train_cifar: error: --search_target_rate 0.3 is out of reach with --round_to 32: "
        + "every gate at its fewest channels (32, or all of a narrower group) keeps "), result[2]);
    assertEquals(1, result[2].lines().count(), result[2]);
    assertTrue(Files.notExists(untouched), untouched + " was created");
  }
}
