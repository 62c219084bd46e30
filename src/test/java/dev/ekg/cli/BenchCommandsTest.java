package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ekg.DeterministicWeights;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.FloatArray;
import dev.ekg.io.PickleWeights;
import dev.ekg.model.Architecture;
import dev.ekg.model.NetworkSpec;
import dev.ekg.prune.PhysicalPruning;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The benchmark commands' output and records (never their times). */
class BenchCommandsTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
  }

  /** A ResNet-20 and the same network with every group halved: one row each, FLOPs as ratios to the first. */
  @ParameterizedTest(name = "folded {0}")
  @ValueSource(booleans = {false, true})
  void benchLatencyPrintsEveryNetworkAgainstTheFirst(boolean folded) throws IOException {
    NetworkSpec spec = NetworkSpec.parse("ResNet-20", 10);
    Architecture arch = spec.unpruned();
    Map<String, FloatArray> weights = DeterministicWeights.weights(arch, 2);
    ChannelGroups groups = arch.channelGroups();
    int[][] kept = new int[groups.size()][];
    for (ChannelGroups.Group g : groups.groups()) {
      kept[g.index()] = java.util.stream.IntStream.range(0, g.channels() / 2).toArray();
    }
    Path full = dir.resolve("full.pkl");
    Path half = dir.resolve("half.pkl");
    PickleWeights.write(full, weights);
    PickleWeights.write(half, PhysicalPruning.prune(groups, weights, kept));
    Path json = dir.resolve("latency.json");
    String[] args = {"bench_latency", "--arch", "ResNet-20", "--trained_param", full.toString(), half.toString(),
        "--batch_sizes", "1,3", "--runs", "2", "--json", json.toString()};
    assertEquals(0, run(folded ? append(args, "--folded") : args), err.toString());
    double halfRatio = (double) groups.complexity(Arrays.stream(kept).mapToInt(k -> k.length).toArray()).flops()
        / arch.complexity().flops();
    String[] lines = out.toString().split("\\R");
    assertEquals("| network | FLOPs | FLOPs ratio | batch 1 (ms) | latency ratio | batch 3 (ms) | latency ratio |", lines[0]);
    assertTrue(lines[2].startsWith("| " + full + " | " + String.format(java.util.Locale.ROOT, "%.2f M | 1.000 | ",
        arch.complexity().flops() / 1e6)), lines[2]);
    assertTrue(lines[3].startsWith("| " + half + " | " + String.format(java.util.Locale.ROOT, "%.2f M | %.3f |",
        arch.complexity().flops() * halfRatio / 1e6, halfRatio)), lines[3]);
    assertTrue(lines[4].startsWith(folded ? "(as served: batch norm folded" : "(inference mode"), lines[4]);
    JsonNode record = new ObjectMapper().readTree(Files.readString(json));
    assertEquals(folded, record.get("folded").asBoolean());
    assertEquals(2, record.get("networks").size());
    assertEquals(2, record.get("networks").get(1).get("median_ms").size());
  }

  /** A --steps limit past the target times the whole search: the line and the record say how many steps ran. */
  @Test
  void benchSearchTimesTheWholeSearchWhenItEndsBeforeTheStepLimit() throws IOException {
    Path data = dir.resolve("data");
    assertEquals(0, run("make_synthetic_cifar", "--data_path", data.toString(), "--train_per_class", "260",
        "--test_per_class", "1"), err.toString());
    Architecture arch = NetworkSpec.parse("ResNet-20", 10).unpruned();
    Path weights = dir.resolve("resnet20.pkl");
    PickleWeights.write(weights, DeterministicWeights.weights(arch, 3));
    Path json = dir.resolve("search.json");
    out.getBuffer().setLength(0);
    assertEquals(0, run("bench_search", "--arch", "ResNet-20", "--data_path", data.toString(), "--trained_param",
        weights.toString(), "--search_val_per_class", "2", "--search_batch_size", "8", "--search_target_rate", "0.9",
        "--steps", "50", "--rounds", "1", "--json", json.toString()), err.toString());
    JsonNode record = new ObjectMapper().readTree(Files.readString(json));
    int steps = record.get("steps").asInt();
    assertTrue(steps >= 1 && steps < 50, "steps run: " + steps);
    assertEquals(50, record.get("steps_limit").asInt());
    assertTrue(record.get("decisions_identical").asBoolean());
    String summary = out.toString().lines().filter(l -> l.startsWith("ResNet-20, ")).findFirst().orElseThrow();
    assertTrue(summary.startsWith("ResNet-20, " + steps + " search steps (the whole search, to 0.9) on 20 images "
        + "(batches of 8): "), summary);
    assertTrue(summary.endsWith("decisions identical (shortlists, candidate scores, chosen gates, losses, widths)"),
        summary);
  }

  @Test
  void theMemoryBankModeNeedsAFinishedSearch() throws IOException {
    Path run = Files.createDirectories(dir.resolve("run"));
    assertEquals(2, run("bench_search", "--memory_bank", run.toString(), "--data_path", dir.toString()));
    assertEquals("bench_search: error: --memory_bank " + run + ": expected a train_cifar --train_path whose search "
        + "phase finished (warmed_params.pkl and search_history.json), found none", err.toString().strip());
  }

  @Test
  void theSearchModeNeedsTheTrainedNetwork() {
    assertEquals(2, run("bench_search", "--data_path", dir.toString()));
    assertEquals("bench_search: error: --trained_param is required (or --memory_bank RUN for the memory bank)",
        err.toString().strip());
  }

  private static String[] append(String[] args, String extra) {
    String[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = extra;
    return all;
  }
}
