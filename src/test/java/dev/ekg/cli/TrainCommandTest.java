package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ekg.io.FloatArray;
import dev.ekg.io.NpyFile;
import dev.ekg.io.PickleWeights;
import dev.ekg.io.WeightFiles;
import dev.ekg.pipeline.FineTuning;
import dev.ekg.pipeline.RunState;
import dev.ekg.report.Plots;
import dev.ekg.report.PngFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
  @TempDir static Path dir;
  private static Path data;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void prepare() throws IOException {
    data = TinyTraining.data(dir.resolve("data"));
  }

  private static List<String> trainArgs(Path run, int epochs, String... extra) {
    List<String> args = new ArrayList<>(TinyTraining.args(data, run, epochs, "--learning_rate", "0.05", "--decay_points",
        "0.5"));
    args.addAll(List.of(extra));
    return args;
  }

  private int run(List<String> args) {
    return Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args.toArray(String[]::new));
  }

  @Test
  void trainsThenTestLoadsBothOutputs() throws IOException {
    Path run = dir.resolve("plain");
    assertEquals(0, run(trainArgs(run, 2)), err.toString());
    assertTrue(out.toString().contains("Epoch: 2, train_loss: "), out.toString());
    assertTrue(err.toString().contains("step 5/30  loss "), err.toString());
    assertTrue(err.toString().contains("epoch 2/2: 15/15 steps, ") && err.toString().contains("test after epoch 2: 50/50 "
        + "images, "), "each epoch and its test report their progress on stderr: " + err);
    assertTrue(!out.toString().contains(" steps, "), out.toString());
    JsonNode arguments = new ObjectMapper().readTree(run.resolve("arguments.json").toFile());
    assertEquals("ResNet-8", arguments.get("arch").asText());
    assertEquals(0.5, arguments.get("decay_points").get(0).asDouble());
    assertEquals(2, RunState.read(run).epoch());
    PngFiles.assertPng(run.resolve(Plots.TRAINING_CURVES), 1000, 600);

    var pkl = PickleWeights.read(run.resolve(FineTuning.TRAINED_PARAMS));
    assertEquals(pkl, WeightFiles.read(run.resolve(RunState.read(run).checkpoint())),
        "the checkpoint's weights (momentum left out) equal trained_params.pkl");
    for (String param : new String[] {run.resolve(FineTuning.TRAINED_PARAMS).toString(),
        run.resolve(RunState.read(run).checkpoint()).toString()}) {
      out.getBuffer().setLength(0);
      assertEquals(0, run(List.of("test", "--arch", "ResNet-8", "--trained_param", param, "--data_path",
          data.toString(), "--bn_mode", "inference", "--latency_runs", "1")), err.toString());
      assertTrue(out.toString().startsWith("Test loss: "), out.toString());
    }
  }

  @Test
  void trainsOnTwoReplicas() throws IOException {
    Path run = dir.resolve("two-replicas");
    assertEquals(0, run(trainArgs(run, 1, "--replicas", "2")), err.toString());
    assertTrue(out.toString().contains("Epoch: 1, train_loss: "), out.toString());
    assertEquals(2, new ObjectMapper().readTree(run.resolve("arguments.json").toFile()).get("replicas").asInt());
    assertEquals(1, RunState.read(run).epoch());
  }

  @Test
  void aBatchThatDoesNotSplitOverTheReplicasIsRefusedBeforeAnythingIsWritten() {
    Path run = dir.resolve("three-replicas");
    assertEquals(2, run(trainArgs(run, 1, "--replicas", "3")));
    assertEquals("train: error: --batch_size 16 does not split evenly over 3 replicas × --accum 1: expected a multiple of 3",
        err.toString().strip());
    assertFalse(Files.exists(run));
  }

  @Test
  void refusesAnOldRunUnlessToldWhatToDo() throws IOException {
    Path run = dir.resolve("old");
    Files.createDirectories(run);
    Files.writeString(run.resolve("notes.txt"), "keep");
    assertEquals(2, run(trainArgs(run, 1)));
    assertTrue(err.toString().contains("--train_path " + run + " is not empty: pass --resume"), err.toString());
    assertEquals("keep", Files.readString(run.resolve("notes.txt")));
  }

  @Test
  void aResumeWithFlagsThatChangeTheResultIsRefused() throws IOException {
    Path run = dir.resolve("changed");
    assertEquals(0, run(trainArgs(run, 1)), err.toString());
    String state = Files.readString(run.resolve(RunState.FILE));
    String arguments = Files.readString(run.resolve(ArgumentsFile.FILE));
    List<String> changed = new ArrayList<>(trainArgs(run, 1, "--resume", "--seed", "4"));
    changed.set(changed.indexOf("--learning_rate") + 1, "0.1");
    assertEquals(2, run(changed));
    assertTrue(err.toString().contains("--resume: the run in " + run + " was started with other values (--learning_rate "
        + "0.05 -> 0.1, --seed 0 -> 4)"), err.toString());
    assertEquals(state, Files.readString(run.resolve(RunState.FILE)));
    assertEquals(arguments, Files.readString(run.resolve(ArgumentsFile.FILE)));
  }

  /** A 1-epoch run whose trained_params.pkl the knowledge tests fine-tune, with a bank of {@code shape} beside it. */
  private Path weightsWithBank(String name, int... shape) throws IOException {
    Path base = dir.resolve(name);
    assertEquals(0, run(trainArgs(base, 1)), err.toString());
    if (shape.length > 0) {
      float[] logits = new float[(int) FloatArray.elementCount(shape)];
      SplittableRandom random = new SplittableRandom(3);
      for (int i = 0; i < logits.length; i++) {
        logits[i] = (float) (4 * random.nextDouble() - 2);
      }
      NpyFile.write(base.resolve("CIFAR10_knowledge.npy"), new FloatArray(shape, logits));
    }
    return base.resolve(FineTuning.TRAINED_PARAMS);
  }

  private List<String> fineTuneArgs(Path run, Path weights, String... extra) {
    List<String> args = trainArgs(run, 1, "--trained_param", weights.toString());
    args.addAll(List.of(extra));
    return args;
  }

  /**
   * The memory-bank objective (two views, CE + T·KL per view, §5.2) from the bank beside the weights:
   * from the same weights and batches its loss exceeds plain cross-entropy's, which counts one view.
   */
  @Test
  void knowledgeFineTunesWithTheMemoryBankBesideTheWeights() throws IOException {
    Path weights = weightsWithBank("kd-base", 240, 10, 2);
    Path plain = dir.resolve("kd-plain");
    Path distilled = dir.resolve("kd-distilled");
    assertEquals(0, run(fineTuneArgs(plain, weights)), err.toString());
    assertEquals(0, run(fineTuneArgs(distilled, weights, "--Knowledge")), err.toString());
    double plainLoss = RunState.read(plain).history().get(0).trainLoss();
    double distilledLoss = RunState.read(distilled).history().get(0).trainLoss();
    assertTrue(distilledLoss > plainLoss, "distilled " + distilledLoss + " vs plain " + plainLoss);
    assertNotEquals(PickleWeights.read(plain.resolve(FineTuning.TRAINED_PARAMS)),
        PickleWeights.read(distilled.resolve(FineTuning.TRAINED_PARAMS)));
    JsonNode arguments = new ObjectMapper().readTree(distilled.resolve(ArgumentsFile.FILE).toFile());
    assertTrue(arguments.get("Knowledge").asBoolean());
    assertFalse(new ObjectMapper().readTree(plain.resolve(ArgumentsFile.FILE).toFile()).get("Knowledge").asBoolean(),
        "train's default is the reference's train.py's: no memory bank");

    String state = Files.readString(distilled.resolve(RunState.FILE));
    List<String> resumed = fineTuneArgs(distilled, weights, "--resume", "--Knowledge=false");
    assertEquals(2, run(resumed));
    assertTrue(err.toString().contains("--resume: the run in " + distilled + " was started with other values "
        + "(--Knowledge true -> false)"), err.toString());
    assertEquals(state, Files.readString(distilled.resolve(RunState.FILE)));
  }

  @Test
  void knowledgeErrorsNameTheFileAndTheExpectedShape() throws IOException {
    Path noBank = weightsWithBank("kd-none");
    assertRefused(fineTuneArgs(dir.resolve("kd-e1"), noBank, "--Knowledge"), noBank.resolveSibling(
        "CIFAR10_knowledge.npy") + " is missing: --Knowledge reads the memory bank beside --trained_param; "
        + "train_cifar's prune phase writes it next to slimmed_params.pkl (or train without --Knowledge)");

    Path fewRows = weightsWithBank("kd-rows", 100, 10, 2);
    assertRefused(fineTuneArgs(dir.resolve("kd-e2"), fewRows, "--Knowledge"), fewRows.resolveSibling(
        "CIFAR10_knowledge.npy") + ": expected the memory bank's teacher logits [N_train, classes, teachers] = "
        + "[240, 10, >= 1] for this training set, got [100, 10, 2]");

    Path flat = weightsWithBank("kd-flat", 240, 10);
    assertRefused(fineTuneArgs(dir.resolve("kd-e3"), flat, "--Knowledge"), "got [240, 10]");

    assertRefused(trainArgs(dir.resolve("kd-e4"), 1, "--Knowledge"), "--Knowledge needs --trained_param: the memory "
        + "bank CIFAR10_knowledge.npy is read from the folder of the weights it fine-tunes");
  }

  /** Exit code 2, one line naming the problem, and --train_path never created. */
  private void assertRefused(List<String> args, String message) {
    err.getBuffer().setLength(0);
    assertEquals(2, run(args), err.toString());
    assertTrue(err.toString().startsWith("train: error: ") && err.toString().contains(message), err.toString());
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    assertFalse(Files.exists(Path.of(args.get(args.indexOf("--train_path") + 1))));
  }

  /**
   * A real kill: the run is a separate JVM, killed once its first epoch is committed. Every run is a
   * fresh JVM, as from the command line: oneDNN keeps process-wide state (its primitive cache) that
   * earlier sessions with other thread counts could leave behind.
   */
  @Test
  void aKilledRunResumesToTheSameWeightsAsAnUninterruptedOne() throws Exception {
    Path whole = dir.resolve("whole");
    ChildJvm uninterrupted = ChildJvm.start(dir.resolve("whole.log"), trainArgs(whole, 3));
    assertEquals(0, uninterrupted.waitFor(), uninterrupted::output);

    Path killed = dir.resolve("killed");
    ChildJvm child = ChildJvm.start(dir.resolve("killed.log"), trainArgs(killed, 3));
    try {
      child.await(() -> hasEpoch(killed, 1));
      child.signal("KILL");
      child.waitFor();
    } finally {
      child.destroy();
    }
    int reached = RunState.read(killed).epoch();
    assertTrue(reached >= 1, child.output());

    ChildJvm resumed = ChildJvm.start(dir.resolve("resumed.log"), trainArgs(killed, 3, "--resume"));
    assertEquals(0, resumed.waitFor(), resumed::output);
    assertTrue(resumed.output().contains("resuming " + killed + " at epoch " + reached), resumed.output());
    assertEquals(PickleWeights.read(whole.resolve(FineTuning.TRAINED_PARAMS)),
        PickleWeights.read(killed.resolve(FineTuning.TRAINED_PARAMS)));
  }

  private static boolean hasEpoch(Path run, int epoch) {
    try {
      return Files.isRegularFile(run.resolve(RunState.FILE)) && RunState.read(run).epoch() >= epoch;
    } catch (IOException e) {
      return false;
    }
  }
}
