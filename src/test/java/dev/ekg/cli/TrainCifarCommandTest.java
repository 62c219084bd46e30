package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.SyntheticCifar;
import dev.ekg.io.NpyFile;
import dev.ekg.io.PickleWeights;
import dev.ekg.report.Plots;
import dev.ekg.report.PngFiles;
import dev.ekg.report.ResultTable;
import dev.ekg.report.TrainCifarReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** End to end on a small synthetic CIFAR: train a ResNet-20, prune it with EKG, test both. */
class TrainCifarCommandTest {
  private static final double TARGET = 0.45;
  private static final Pattern LATENCY = Pattern.compile(
      "(?m)^Latency: \\d+\\.\\d\\d ms/batch of 200 \\(median of 3\\), \\d+\\.\\d images/s, inference mode, "
          + "(GPU|CPU \\((oneDNN|Eigen) kernels\\))$");
  @TempDir static Path dir;
  private static Path data;
  private static Path run;
  private static final StringWriter pipelineOut = new StringWriter();
  private static final StringWriter pipelineErr = new StringWriter();
  private static final Pattern WARM_UP = Pattern.compile("(?m)^warm-up: \\d+/(\\d+) steps, ");

  @BeforeAll
  static void trainAndPrune() throws IOException {
    data = dir.resolve("data");
    new SyntheticCifar(CifarVariant.CIFAR10, 48, 20, 21, SyntheticCifar.DEFAULT_NOISE).write(data, false);
    Path baseline = dir.resolve("baseline");
    StringWriter err = new StringWriter();
    assertEquals(0, Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
        .execute("train", "--arch", "ResNet-20", "--data_path", data.toString(), "--train_path", baseline.toString(),
            "--train_epoch", "3", "--batch_size", "32", "--learning_rate", "0.05", "--decay_points", "2",
            "--do_log", "0"), err.toString());
    run = dir.resolve("ekg");
    assertEquals(0, Main.commandLine().setOut(new PrintWriter(pipelineOut, true)).setErr(new PrintWriter(pipelineErr, true))
        .execute("train_cifar", "--arch", "ResNet-20", "--trained_param",
            baseline.resolve("trained_params.pkl").toString(), "--data_path", data.toString(),
            "--train_path", run.toString(), "--search_target_rate", String.valueOf(TARGET),
            "--search_val_per_class", "8", "--search_train_per_class", "16", "--search_batch_size", "40",
            "--num_teacher", "3", "--train_epoch", "1", "--batch_size", "32", "--val_batch_size", "100",
            "--do_log", "0", "--threads", "1"), pipelineErr.toString());
  }

  private static List<String> searchArgs(Path out, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "train_cifar", "--phase", "search", "--arch",
        "ResNet-20", "--trained_param", dir.resolve("baseline/trained_params.pkl").toString(), "--data_path",
        data.toString(), "--train_path", out.toString(), "--search_target_rate", String.valueOf(TARGET),
        "--search_val_per_class", "8", "--search_train_per_class", "16", "--search_batch_size", "40",
        "--threads", "1"));
    args.addAll(List.of(extra));
    return args;
  }

  /**
   * A real kill in the middle of the search; resumed, it ends with the history of an uninterrupted
   * search (both separate JVMs with one thread per op, so both are deterministic).
   */
  @Test
  void aKilledSearchResumesAfterItsLastStep() throws Exception {
    Path killed = dir.resolve("killed-search");
    Process child = new ProcessBuilder(searchArgs(killed)).redirectErrorStream(true)
        .redirectOutput(dir.resolve("search-child.log").toFile()).start();
    try {
      // no deadline: on a loaded machine the third step may take long; a child that ends first fails below
      while (child.isAlive() && !reached(killed, 3)) {
        Thread.sleep(10);
      }
    } finally {
      child.destroyForcibly().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertTrue(reached(killed, 3), Files.readString(dir.resolve("search-child.log")));
    Process resumed = new ProcessBuilder(searchArgs(killed, "--resume")).redirectErrorStream(true)
        .redirectOutput(dir.resolve("search-resumed.log").toFile()).start();
    assertEquals(0, resumed.waitFor(), Files.readString(dir.resolve("search-resumed.log")));
    assertTrue(Files.readString(dir.resolve("search-resumed.log")).contains("resuming the search after step"));
    Path whole = dir.resolve("whole-search");
    Process uninterrupted = new ProcessBuilder(searchArgs(whole)).redirectErrorStream(true)
        .redirectOutput(dir.resolve("search-whole.log").toFile()).start();
    assertEquals(0, uninterrupted.waitFor(), Files.readString(dir.resolve("search-whole.log")));
    JsonNode expected = json(whole.resolve("search_history.json")).get("history");
    JsonNode actual = json(killed.resolve("search_history.json")).get("history");
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).get("widths"), actual.get(i).get("widths"), "entry " + i);
    }
  }

  private static boolean reached(Path out, int step) {
    try {
      Path state = out.resolve("search_state.json");
      return Files.isRegularFile(state) && json(state).get("step").asInt() >= step;
    } catch (IOException e) {
      return false;
    }
  }

  private static JsonNode json(Path file) throws IOException {
    return new ObjectMapper().readTree(file.toFile());
  }

  @Test
  void prunesBelowTheTargetAndWritesEveryOutput() throws IOException {
    JsonNode summary = json(run.resolve("summary.json"));
    assertEquals(41_214_592, summary.get("original_flops").asLong());
    assertTrue(summary.get("pruned_flops").asLong() <= TARGET * 41_214_592, summary.toString());
    assertTrue(summary.get("pruned_params").asLong() < 274_042, summary.toString());
    for (String name : List.of("arguments.json", "warmed_params.pkl", "search_history.json", "search_log.jsonl",
        "slimmed_params.pkl", "checkpoints/slimmed.index", "kept_channels.json", "CIFAR10_knowledge.npy",
        "trained_params.pkl", "train_state.json")) {
      assertTrue(Files.isRegularFile(run.resolve(name)), name);
    }
    assertEquals("ResNet-20", json(run.resolve("arguments.json")).get("arch").asText());
    assertArrayEquals(new int[] {480, 10, 3}, NpyFile.readFloat(run.resolve("CIFAR10_knowledge.npy")).shape());
    assertEquals(12, json(run.resolve("kept_channels.json")).size());
    assertTrue(pipelineOut.toString().endsWith(ResultTable.read(run).text()), pipelineOut.toString());
    assertTrue(Files.notExists(run.resolve("memory_bank")), "the per-teacher parts are removed once committed");
  }

  /** The prune phase alone, from the search's files, rebuilds the same memory bank and network. */
  @Test
  void thePrunePhaseAloneRebuildsTheSameBankAndNetwork() throws IOException {
    Path again = dir.resolve("prune-again");
    Files.createDirectories(again);
    for (String name : List.of("warmed_params.pkl", "search_history.json")) {
      Files.copy(run.resolve(name), again.resolve(name));
    }
    StringWriter err = new StringWriter();
    assertEquals(0, Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true))
        .execute("train_cifar", "--arch", "ResNet-20", "--data_path", data.toString(), "--train_path",
            again.toString(), "--phase", "prune", "--num_teacher", "3", "--search_batch_size", "40",
            "--val_batch_size", "100", "--threads", "1"), err.toString());
    assertEquals(NpyFile.readFloat(run.resolve("CIFAR10_knowledge.npy")),
        NpyFile.readFloat(again.resolve("CIFAR10_knowledge.npy")));
    assertArrayEquals(Files.readAllBytes(run.resolve("kept_channels.json")),
        Files.readAllBytes(again.resolve("kept_channels.json")));
    assertTrue(Files.notExists(again.resolve("memory_bank")));
  }

  /**
   * {@code train --Knowledge} on the pipeline's slimmed network, with the flags train_cifar forwards
   * to its fine-tuning (§1.1), is that fine-tuning: the same memory bank, step and loop, so the same
   * weights bit for bit.
   */
  @Test
  void trainWithKnowledgeRepeatsThePipelinesFineTuning() throws IOException {
    Path again = dir.resolve("train-knowledge");
    StringWriter err = new StringWriter();
    assertEquals(0, Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true))
        .execute("train", "--arch", "ResNet-20", "--trained_param", run.resolve("slimmed_params.pkl").toString(),
            "--Knowledge", "--data_path", data.toString(), "--train_path", again.toString(), "--train_epoch", "1",
            "--batch_size", "32", "--val_batch_size", "100", "--learning_rate", "0.01", "--decay_points", ".3", ".6",
            ".8", "--decay_rate", "0.2", "--weight_decay", "5e-4", "--seed", "1", "--do_log", "0", "--threads", "1"),
        err.toString());
    assertEquals(PickleWeights.read(run.resolve("trained_params.pkl")),
        PickleWeights.read(again.resolve("trained_params.pkl")));
  }

  @Test
  void theSearchLogHasOneObjectPerAcceptedStep() throws IOException {
    List<String> lines = Files.readAllLines(run.resolve("search_log.jsonl"));
    assertTrue(lines.size() >= 5, lines.size() + " steps");
    double previous = 1;
    int[] keptBefore = null;
    for (int i = 0; i < lines.size(); i++) {
      JsonNode step = new ObjectMapper().readTree(lines.get(i));
      assertEquals(i + 1, step.get("step").asInt());
      assertTrue(step.get("gate").asInt() >= 0 && step.get("gate").asInt() < 12);
      assertEquals(12, step.get("widths").size());
      int[] kept = new ObjectMapper().convertValue(step.get("kept"), int[].class);
      assertEquals(12, kept.length);
      int gate = step.get("gate").asInt();
      for (int g = 0; g < kept.length; g++) {
        if (g == gate) {
          assertTrue(keptBefore == null || kept[g] < keptBefore[g], "step " + (i + 1) + " narrows its gate");
        } else if (keptBefore != null) {
          assertEquals(keptBefore[g], kept[g], "step " + (i + 1) + " keeps gate " + g + " as it was");
        }
      }
      keptBefore = kept;
      assertTrue(step.get("evaluated").size() >= 1);
      JsonNode scores = step.get("scores");
      assertEquals(step.get("evaluated").size(), scores.size(), "one score per evaluated candidate");
      int lowest = 0;
      for (int k = 1; k < scores.size(); k++) {
        lowest = scores.get(k).asDouble() < scores.get(lowest).asDouble() ? k : lowest;
      }
      assertEquals(step.get("gate").asInt(), step.get("evaluated").get(lowest).asInt(), "the lowest score is accepted");
      double rate = step.get("flops_rate").asDouble();
      assertTrue(rate < previous, "the FLOPs rate falls every step");
      previous = rate;
      assertTrue(step.has("val_loss") && step.has("val_acc"));
      // the console line gives the accuracy in percent, as the epoch lines; the log keeps the fraction
      assertTrue(pipelineOut.toString().contains(String.format(Locale.ROOT,
          "search step %d: gate %d, FLOPs rate %.4f, val loss %.4f, val acc %.2f %%, evaluated %d gates%n", i + 1,
          step.get("gate").asInt(), rate, step.get("val_loss").asDouble(), 100 * step.get("val_acc").asDouble(),
          step.get("evaluated").size())), pipelineOut.toString());
    }
    assertTrue(previous <= TARGET, "the last step reaches the target: " + previous);
  }

  /** Speed is measured, not asserted: a loaded machine may time either network slower. */
  @Test
  void testReportsThePrunedFlopsAndALatencyLineForBothNetworks() throws IOException {
    JsonNode summary = json(run.resolve("summary.json"));
    String original = test(dir.resolve("baseline/trained_params.pkl"));
    String pruned = test(run.resolve("trained_params.pkl"));
    assertTrue(pruned.contains(String.format(Locale.ROOT, "FLOPS: %.2f", summary.get("pruned_flops").asLong() / 1e6)),
        pruned);
    assertTrue(original.contains("FLOPS: 41.21"), original);
    for (String output : List.of(original, pruned)) {
      assertTrue(LATENCY.matcher(output).find(), output);
    }
  }

  private static String test(Path weights, String... extra) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = CommandArgs.with(List.of("test", "--arch", "ResNet-20", "--trained_param", weights.toString(),
        "--data_path", data.toString(), "--val_batch_size", "200", "--latency_runs", "3"), extra);
    assertEquals(0, Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args.toArray(String[]::new)), err.toString());
    return out.toString();
  }

  /**
   * The original network is measured as the pruned one: top-1 as the per-epoch test of fine-tuning
   * computes it (inference-mode BN), which {@code test --bn_mode inference} reproduces for both.
   */
  @Test
  void theSummaryMeasuresTheOriginalNetworkAsThePrunedOne() throws IOException {
    JsonNode summary = json(run.resolve("summary.json"));
    assertEquals(TARGET, summary.get("search_target_rate").asDouble());
    for (String[] network : new String[][] {{"baseline/trained_params.pkl", "original_test_accuracy_percent"},
        {"ekg/trained_params.pkl", "test_accuracy_percent"}}) {
      String tested = test(dir.resolve(network[0]), "--bn_mode", "inference", "--val_batch_size", "100");
      assertTrue(tested.contains(String.format(Locale.ROOT, "Test ACC. Top-1: %.4f,",
          summary.get(network[1]).asDouble() / 100)), network[1] + " " + summary + "\n" + tested);
    }
    double original = summary.get("original_latency_ms").asDouble();
    double pruned = summary.get("pruned_latency_ms").asDouble();
    assertTrue(original > 0 && pruned > 0, summary.toString());
    assertEquals(original / pruned, summary.get("latency_speedup").asDouble(), 1e-12);
    assertEquals(100, summary.get("latency_batch_size").asInt());
  }

  /** Plots next to the results, and a report whose numbers are the summary's. */
  @Test
  void writesThePlotsAndAReportThatAgreesWithTheSummary() throws IOException {
    PngFiles.assertPng(run.resolve(Plots.SEARCH_TRAJECTORY), 1000, 800);
    PngFiles.assertPng(run.resolve(Plots.KEPT_CHANNELS), 1000, 600);
    PngFiles.assertPng(run.resolve(Plots.FINE_TUNING), 1000, 600);
    JsonNode summary = json(run.resolve("summary.json"));
    JsonNode report = json(run.resolve(TrainCifarReport.JSON));
    for (String[] same : new String[][] {{"baseline_top1", "original_test_accuracy_percent"},
        {"pruned_top1", "test_accuracy_percent"}, {"flops_reduction", "flops_reduction_percent"},
        {"latency_speedup", "latency_speedup"}, {"baseline_params", "original_params"},
        {"pruned_params", "pruned_params"}, {"baseline_flops", "original_flops"}, {"pruned_flops", "pruned_flops"},
        {"baseline_latency_ms", "original_latency_ms"}, {"pruned_latency_ms", "pruned_latency_ms"},
        {"latency_batch_size", "latency_batch_size"}, {"search_target_rate", "search_target_rate"},
        {"search_seconds", "search_seconds"}, {"prune_seconds", "prune_seconds"},
        {"fine_tune_seconds", "fine_tune_seconds"}}) {
      assertTrue(report.get(same[0]).isNumber(), same[0] + " in " + report);
      assertEquals(summary.get(same[1]), report.get(same[0]), same[0]);
    }
    assertEquals("[\"search_trajectory.png\",\"kept_channels.png\",\"fine_tuning.png\"]", report.get("plots").toString());
    assertEquals("ResNet-20", report.get("arguments").get("arch").asText());
    assertTrue(report.get("numerics").asText().contains("TensorFlow"), report.toString());
    String markdown = Files.readString(run.resolve(TrainCifarReport.MARKDOWN));
    assertTrue(markdown.contains(ResultTable.read(run).markdown()), markdown);
    for (String plot : List.of(Plots.SEARCH_TRAJECTORY, Plots.KEPT_CHANNELS, Plots.FINE_TUNING)) {
      assertTrue(markdown.contains("](" + plot + ")"), plot + " is linked by its relative path: " + markdown);
    }
    assertTrue(markdown.contains("| `--search_target_rate` | 0.45 |"), markdown);
  }

  /** --phase finetune alone, without --trained_param: the original's numbers are null and the report says so. */
  @Test
  void withoutTheOriginalNetworkTheReportSaysItsNumbersAreNotMeasured() throws IOException {
    Path alone = Files.createDirectories(dir.resolve("finetune-alone"));
    Files.copy(run.resolve("slimmed_params.pkl"), alone.resolve("slimmed_params.pkl"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute("train_cifar", "--arch", "ResNet-20", "--data_path", data.toString(), "--train_path", alone.toString(),
            "--phase", "finetune", "--Knowledge=false", "--train_epoch", "1", "--batch_size", "32",
            "--val_batch_size", "100", "--do_log", "0", "--threads", "1"), err.toString());
    JsonNode summary = json(alone.resolve("summary.json"));
    for (String unmeasured : List.of("original_test_accuracy_percent", "original_latency_ms", "latency_speedup")) {
      assertTrue(summary.get(unmeasured).isNull(), unmeasured + " in " + summary);
    }
    assertTrue(summary.get("pruned_latency_ms").asDouble() > 0, summary.toString());
    JsonNode report = json(alone.resolve(TrainCifarReport.JSON));
    assertTrue(report.get("baseline_top1").isNull() && report.get("latency_speedup").isNull(), report.toString());
    assertEquals("[\"fine_tuning.png\"]", report.get("plots").toString(), "only the fine-tuning has data to plot");
    PngFiles.assertPng(alone.resolve(Plots.FINE_TUNING), 1000, 600);
    String notMeasured = "The baseline's top-1 and latency are not measured: the run was not given --trained_param.";
    assertTrue(out.toString().contains(notMeasured), out.toString());
    assertTrue(Files.readString(alone.resolve(TrainCifarReport.MARKDOWN)).contains(notMeasured));
  }

  @Test
  void aPhaseAloneNeedsThePreviousPhasesFiles() {
    StringWriter err = new StringWriter();
    Path empty = dir.resolve("empty");
    assertEquals(2, Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true))
        .execute("train_cifar", "--arch", "ResNet-20", "--data_path", data.toString(), "--train_path",
            empty.toString(), "--phase", "prune"));
    assertTrue(err.toString().contains("search_history.json is missing: run the search phase first"), err.toString());
  }

  /** The totals that the warm-up's progress lines count towards: its number of steps, or none without a warm-up. */
  private static Set<String> warmUpTotals(String log) {
    return WARM_UP.matcher(log).results().map(m -> m.group(1)).collect(Collectors.toSet());
  }

  /** A short search (one or two steps) from the baseline with these extra flags; returns its stderr. */
  private static String shortSearch(Path out, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("train_cifar", "--phase", "search", "--arch", "ResNet-20",
        "--trained_param", dir.resolve("baseline/trained_params.pkl").toString(), "--data_path", data.toString(),
        "--train_path", out.toString(), "--search_target_rate", "0.95", "--search_val_per_class", "8",
        "--search_train_per_class", "16", "--search_batch_size", "40", "--threads", "1"));
    args.addAll(List.of(extra));
    StringWriter err = new StringWriter();
    assertEquals(0, Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true))
        .execute(args.toArray(String[]::new)), err.toString());
    return err.toString();
  }

  /** By default one pass over the warm-up subset: 160 images in batches of 40 (§5.5). */
  @Test
  void theDefaultWarmUpIsOnePassOverTheSubset() {
    assertEquals(Set.of("4"), warmUpTotals(pipelineErr.toString()), pipelineErr.toString());
    assertTrue(pipelineErr.toString().contains("warm-up: 4/4 steps, "), pipelineErr.toString());
  }

  /**
   * Every long phase reports on stderr, also when it is shorter than --do_log (here 0: no step
   * lines): not a terminal here, so as plain lines, each task at least at its end. The results
   * stay on stdout.
   */
  @Test
  void theLongPhasesReportTheirProgressOnStderr() {
    String err = pipelineErr.toString();
    for (String end : List.of("search (FLOPs gap closed): 100.0/100.0 %, ", "memory bank teacher 1/3: 480/480 images, ",
        "memory bank teacher 3/3: 480/480 images, ", "BN re-estimation: 12/12 batches, ", "epoch 1/1: 15/15 steps, ",
        "test after epoch 1: 200/200 images, ")) {
      assertTrue(err.contains(end), end + " in\n" + err);
    }
    assertTrue(Pattern.compile("(?m)^epoch 1/1: 15/15 steps, .*, done in \\d+:\\d\\d, train_loss \\d+\\.\\d{4}$")
        .matcher(err).find(), err);
    String out = pipelineOut.toString();
    assertTrue(out.contains("search step 1: ") && out.contains("Epoch: 1, "), out);
    assertTrue(!out.contains(" images, ") && !out.contains(" steps, ") && !err.contains("Epoch: 1, "), out);
  }

  /** --warmup_steps 0: the search starts from the given weights, which warmed_params.pkl holds bit for bit. */
  @Test
  void zeroWarmUpStepsStartTheSearchFromTheGivenWeights() throws IOException {
    Path out = dir.resolve("no-warm-up");
    String err = shortSearch(out, "--warmup_steps", "0");
    assertEquals(Set.of(), warmUpTotals(err), err);
    assertEquals(PickleWeights.read(dir.resolve("baseline/trained_params.pkl")),
        PickleWeights.read(out.resolve("warmed_params.pkl")));
    assertTrue(Files.isRegularFile(out.resolve("search_history.json")));
  }

  /** --warmup_steps N takes N batches, beyond one pass (4 batches) by starting the subset over. */
  @Test
  void warmUpStepsLimitOrExtendTheWarmUp() throws IOException {
    String two = shortSearch(dir.resolve("warm-up-2"), "--warmup_steps", "2");
    assertEquals(Set.of("2"), warmUpTotals(two), two);
    String six = shortSearch(dir.resolve("warm-up-6"), "--warmup_steps", "6");
    assertEquals(Set.of("6"), warmUpTotals(six), six);
    assertTrue(six.contains("warm-up: 6/6 steps, "), six);
    assertNotEquals(PickleWeights.read(dir.resolve("warm-up-2/warmed_params.pkl")),
        PickleWeights.read(dir.resolve("warm-up-6/warmed_params.pkl")));
  }

  @Test
  void aNegativeWarmUpOtherThanOnePassIsRefusedBeforeAnyWork() {
    StringWriter err = new StringWriter();
    Path untouched = dir.resolve("bad-warm-up");
    assertEquals(2, Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true))
        .execute("train_cifar", "--arch", "ResNet-20", "--trained_param", "missing.pkl", "--data_path",
            dir.resolve("no-data").toString(), "--train_path", untouched.toString(), "--warmup_steps", "-2"));
    assertTrue(err.toString().contains("--warmup_steps must be -1 (one pass over the warm-up subset), 0 (no warm-up) "
        + "or a number of steps, got -2"), err.toString());
    assertTrue(Files.notExists(untouched), untouched + " was created");
  }

  /** The warm-up changes the search's starting weights, so --resume refuses another value. */
  @Test
  void resumeRefusesAnotherWarmUp() throws IOException {
    byte[] arguments = Files.readAllBytes(run.resolve("arguments.json"));
    StringWriter err = new StringWriter();
    assertEquals(2, Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true))
        .execute("train_cifar", "--arch", "ResNet-20", "--trained_param",
            dir.resolve("baseline/trained_params.pkl").toString(), "--data_path", data.toString(),
            "--train_path", run.toString(), "--search_target_rate", String.valueOf(TARGET),
            "--search_val_per_class", "8", "--search_train_per_class", "16", "--search_batch_size", "40",
            "--num_teacher", "3", "--train_epoch", "1", "--batch_size", "32", "--val_batch_size", "100",
            "--resume", "--warmup_steps", "0"));
    assertTrue(err.toString().contains("--warmup_steps -1 -> 0"), err.toString());
    assertArrayEquals(arguments, Files.readAllBytes(run.resolve("arguments.json")));
  }

  /** A count out of range fails before the data is read or --train_path is touched. */
  @ParameterizedTest
  @CsvSource({"--num_teacher, 0, 1", "--search_batch_size, 0, 1", "--search_val_per_class, 0, 1",
      "--search_train_per_class, -2, 1", "--val_batch_size, -1, 1", "--batch_size, 0, 1", "--accum, 0, 1",
      "--train_epoch, 0, 1", "--do_log, -1, 0"})
  void aBadCountStopsBeforeAnyWork(String flag, int value, int min) {
    StringWriter err = new StringWriter();
    Path untouched = dir.resolve("bad" + flag);
    assertEquals(2, Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true))
        .execute("train_cifar", "--arch", "ResNet-20", "--trained_param", "missing.pkl", "--data_path",
            dir.resolve("no-data").toString(), "--train_path", untouched.toString(), flag, String.valueOf(value)));
    assertTrue(err.toString().contains(flag + " must be at least " + min + ", got " + value), err.toString());
    assertTrue(Files.notExists(untouched), untouched + " was created");
  }
}
