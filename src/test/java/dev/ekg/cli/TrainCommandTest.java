package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.SyntheticCifar;
import dev.ekg.io.PickleWeights;
import dev.ekg.io.WeightFiles;
import dev.ekg.pipeline.FineTuning;
import dev.ekg.pipeline.RunState;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    data = dir.resolve("data");
    new SyntheticCifar(CifarVariant.CIFAR10, 24, 5, 9, SyntheticCifar.DEFAULT_NOISE).write(data, false);
  }

  private static List<String> trainArgs(Path run, int epochs, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--arch", "ResNet-8", "--data_path", data.toString(),
        "--train_path", run.toString(), "--train_epoch", String.valueOf(epochs), "--batch_size", "16",
        "--val_batch_size", "25", "--learning_rate", "0.05", "--decay_points", "0.5", "--threads", "1",
        "--do_log", "5"));
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
