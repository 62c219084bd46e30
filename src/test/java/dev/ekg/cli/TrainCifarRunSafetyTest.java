package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.SyntheticCifar;
import dev.ekg.io.FloatArray;
import dev.ekg.io.PickleWeights;
import dev.ekg.model.Model;
import dev.ekg.model.ResNetArchitecture;
import dev.ekg.model.ResNetSpec;
import dev.ekg.pipeline.PhaseProgress;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train_cifar} refused, failing half-way and stopped by a signal: one-line errors before any
 * work, and a resumed run that writes everything an uninterrupted one writes, byte for byte.
 */
class TrainCifarRunSafetyTest {
  @TempDir static Path dir;
  private static Path data;
  private static Path weights;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void prepare() throws IOException {
    data = dir.resolve("data");
    new SyntheticCifar(CifarVariant.CIFAR10, 48, 20, 21, SyntheticCifar.DEFAULT_NOISE).write(data, false);
    weights = dir.resolve("resnet20.pkl");
    try (Model model =
        Model.create(ResNetArchitecture.of(ResNetSpec.of("ResNet-20", 10)), SessionOptions.DEFAULT, 3)) {
      PickleWeights.write(weights, model.weights());
    }
  }

  /** The run's flags; a flag in {@code extra} replaces its value here or is added. */
  private static List<String> args(Path run, String... extra) {
    return CommandArgs.with(List.of("train_cifar", "--arch", "ResNet-20", "--trained_param", weights.toString(),
        "--data_path", data.toString(), "--train_path", run.toString(), "--search_target_rate", "0.6",
        "--search_val_per_class", "8", "--search_train_per_class", "16", "--search_batch_size", "40",
        "--num_teacher", "2", "--train_epoch", "1", "--batch_size", "32", "--val_batch_size", "100", "--do_log", "0",
        "--threads", "1"), extra);
  }

  private int run(List<String> args) {
    return Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args.toArray(String[]::new));
  }

  private void assertRefusedBeforeAnyWork(Path run, String message, String... flags) {
    assertEquals(2, run(args(run, flags)));
    assertEquals("train_cifar: error: " + message + "\n", err.toString());
    assertFalse(Files.exists(run), run + " was created");
    err.getBuffer().setLength(0);
  }

  @Test
  void userMistakesAreOneLineBeforeAnyWork() throws IOException {
    assertRefusedBeforeAnyWork(dir.resolve("rate"), "--search_target_rate must be in (0, 1) (1 keeps every FLOP: "
        + "nothing to prune), got 1.0", "--search_target_rate", "1");
    assertRefusedBeforeAnyWork(dir.resolve("deep"), "--arch: unsupported ResNet depth 99999998: expected a CIFAR "
        + "depth 6n+2 from 8 to 1202 (20, 32, 44, 56, 110, …) or an ImageNet depth 18, 34, 50",
        "--arch", "ResNet-99999998");

    Map<String, FloatArray> nan = PickleWeights.read(weights);
    nan.get("fc/kernel:0").data()[5] = Float.NaN;
    Path nanFile = dir.resolve("nan.pkl");
    PickleWeights.write(nanFile, nan);
    assertRefusedBeforeAnyWork(dir.resolve("nan"), nanFile + ": fc/kernel:0[64, 10] holds NaN at flat index 5 of "
        + "640, expected finite weights", "--trained_param", nanFile.toString());

    Path noSearch = dir.resolve("no-search");
    assertRefusedBeforeAnyWork(noSearch, noSearch.resolve("slimmed_params.pkl") + " is missing: run the prune phase "
        + "first (--phase prune or all), which writes it", "--phase", "finetune");
  }

  /**
   * The prune phase fails half-way (here: kept_channels.json cannot be written, as on a full disk);
   * --resume reruns the phase, writes every output, removes memory_bank/ and counts both attempts.
   */
  @Test
  void aResumedPrunePhaseWritesEveryOutputAndCountsAllItsTime() throws IOException {
    Path run = dir.resolve("prune-fails");
    assertEquals(0, run(args(run, "--phase", "search")), err.toString());
    Path blocker = Files.createDirectories(run.resolve("kept_channels.json/blocked"));
    assertEquals(2, run(args(run, "--resume")));
    assertTrue(err.toString().contains("kept_channels.json"), err.toString());
    PhaseProgress failed = PhaseProgress.read(run);
    assertTrue(failed.done("search") && !failed.done("prune"), failed.toString());

    PathUtils.delete(blocker.getParent());
    assertEquals(0, run(args(run, "--resume")), err.toString());
    for (String name : List.of("slimmed_params.pkl", "checkpoints/slimmed.index", "kept_channels.json",
        "CIFAR10_knowledge.npy", "trained_params.pkl", "summary.json")) {
      assertTrue(Files.isRegularFile(run.resolve(name)), name);
    }
    assertTrue(Files.notExists(run.resolve("memory_bank")));
    JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    PhaseProgress finished = PhaseProgress.read(run);
    assertEquals(failed.seconds("search"), summary.get("search_seconds").asDouble());
    assertEquals(finished.seconds("prune"), summary.get("prune_seconds").asDouble());
    assertTrue(finished.seconds("prune") > failed.seconds("prune"), "the failed attempt's time is counted");
  }

  /**
   * SIGTERM in the middle of the search exits 143 after a committed step; --resume finishes the run
   * with every file an uninterrupted run writes, and the same bytes.
   */
  @Test
  void aSearchStoppedBySigtermResumesToTheUninterruptedRunsFiles() throws Exception {
    Path whole = dir.resolve("whole");
    assertEquals(0, ChildJvm.run(dir.resolve("whole.log"), args(whole)));
    Path stopped = dir.resolve("stopped");
    ChildJvm child = ChildJvm.start(dir.resolve("stopped.log"), args(stopped));
    int code;
    try {
      assertTrue(child.await(() -> lines(stopped.resolve("search_log.jsonl")) >= 2), child.output());
      child.signal("TERM");
      code = child.waitFor();
    } finally {
      child.destroy();
    }
    assertEquals(143, code, child.output());
    assertTrue(child.output().contains("train_cifar: stopped by SIGTERM after search step "), child.output());
    assertEquals(0, ChildJvm.run(dir.resolve("resumed.log"), args(stopped, "--resume")));

    assertEquals(files(whole), files(stopped));
    for (String name : List.of("search_log.jsonl", "search_history.json", "warmed_params.pkl", "slimmed_params.pkl",
        "kept_channels.json", "CIFAR10_knowledge.npy", "trained_params.pkl")) {
      assertArrayEquals(Files.readAllBytes(whole.resolve(name)), Files.readAllBytes(stopped.resolve(name)), name);
    }
  }

  private static long lines(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readAllLines(file).size() : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The run's files, TensorBoard's event files (one per process) counted as one name. */
  private static List<String> files(Path run) throws IOException {
    try (Stream<Path> files = Files.walk(run)) {
      return files.filter(Files::isRegularFile).map(p -> run.relativize(p).toString())
          .map(name -> name.startsWith("events.out.tfevents.") ? "events.out.tfevents" : name)
          .distinct().sorted().toList();
    }
  }
}
