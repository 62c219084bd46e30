package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.data.CifarVariant;
import dev.ekg.data.SyntheticCifar;
import dev.ekg.io.PickleWeights;
import dev.ekg.pipeline.FineTuning;
import dev.ekg.pipeline.RunState;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code train} does with the files around it when a run is refused, interrupted or raced:
 * inputs are never deleted, a refused run leaves nothing behind, one run per directory, and signals
 * stop a run cleanly so that {@code --resume} continues it.
 */
class TrainRunSafetyTest {
  /** Long enough that a signal sent after the first epoch always finds the run still training. */
  private static final int EPOCHS = 6;
  @TempDir static Path dir;
  private static Path data;
  private static Path finished;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void prepare() throws IOException {
    data = dir.resolve("data");
    new SyntheticCifar(CifarVariant.CIFAR10, 24, 5, 9, SyntheticCifar.DEFAULT_NOISE).write(data, false);
    finished = dir.resolve("finished");
    StringWriter log = new StringWriter();
    assertEquals(0, Main.commandLine().setOut(new PrintWriter(log)).setErr(new PrintWriter(log))
        .execute(trainArgs(finished, 1).toArray(String[]::new)), log.toString());
  }

  /** The run's flags; a flag in {@code extra} replaces its value here or is added. */
  private static List<String> trainArgs(Path run, int epochs, String... extra) {
    return CommandArgs.with(List.of("train", "--arch", "ResNet-8", "--data_path", data.toString(), "--train_path",
        run.toString(), "--train_epoch", String.valueOf(epochs), "--batch_size", "16", "--val_batch_size", "25",
        "--learning_rate", "0.05", "--decay_points", "0.5", "--threads", "1", "--do_log", "5"), extra);
  }

  private int run(List<String> args) {
    return Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args.toArray(String[]::new));
  }

  private static byte[] weights(Path run) throws IOException {
    return Files.readAllBytes(run.resolve(FineTuning.TRAINED_PARAMS));
  }

  @Test
  void overwriteRefusesToDeleteTheWeightsTheRunFineTunes() throws IOException {
    byte[] before = weights(finished);
    Path input = finished.resolve(FineTuning.TRAINED_PARAMS);
    assertEquals(2, run(trainArgs(finished, 1, "--trained_param", input.toString(), "--overwrite")));
    assertEquals("train: error: --overwrite would delete --trained_param " + input + ", which this run reads: it is "
        + "inside --train_path " + finished + "; choose another --train_path\n", err.toString());
    assertTrue(java.util.Arrays.equals(before, weights(finished)));
  }

  @Test
  void overwriteRefusesToDeleteTheData() throws IOException {
    List<String> args = trainArgs(data, 1, "--overwrite");
    assertEquals(2, run(args));
    assertTrue(err.toString().startsWith("train: error: --overwrite would delete --data_path " + data), err.toString());
    assertTrue(Files.isRegularFile(data.resolve("data_batch_1.bin")));
  }

  @Test
  void aFailingCheckKeepsTheOldRunThatOverwriteWouldReplace() throws IOException {
    byte[] before = weights(finished);
    assertEquals(2, run(trainArgs(finished, 1, "--overwrite", "--batch_size", "1000")));
    assertTrue(err.toString().contains("--batch_size 1000 exceeds the 240 training images in --data_path " + data),
        err.toString());
    assertEquals(2, run(trainArgs(finished, 1, "--overwrite", "--accum", "3")));
    assertTrue(err.toString().contains("--batch_size 16 does not split into --accum 3 equal chunks"), err.toString());
    assertTrue(java.util.Arrays.equals(before, weights(finished)));
    assertEquals(1, RunState.read(finished).epoch());
  }

  @Test
  void aFailedCheckLeavesNothingThatBlocksTheCorrectedCommand() throws IOException {
    Path fresh = dir.resolve("corrected");
    assertEquals(2, run(trainArgs(fresh, 1, "--batch_size", "1000")));
    assertFalse(Files.exists(fresh), "a refused run created " + fresh);
    assertEquals(0, run(trainArgs(fresh, 1)), err.toString());
  }

  @Test
  void anUnreadableArgumentsFileIsNamed() throws IOException {
    Path run = dir.resolve("bad-arguments");
    Files.createDirectories(run);
    Files.writeString(run.resolve(ArgumentsFile.FILE), "{ not json");
    assertEquals(2, run(trainArgs(run, 1, "--resume")));
    assertTrue(err.toString().startsWith("train: error: " + run.resolve(ArgumentsFile.FILE) + ": unreadable arguments "
        + "of the run to resume ("), err.toString());
    assertTrue(err.toString().endsWith("): restore the file or start over with --overwrite\n"), err.toString());
    assertEquals("{ not json", Files.readString(run.resolve(ArgumentsFile.FILE)));
  }

  /** Killed before anything was committed: both the plain rerun and --resume start over. */
  @Test
  void aRunKilledBeforeItsFirstEpochCanBeRerunOrResumed() throws Exception {
    for (String mode : new String[] {"plain", "--resume"}) {
      Path run = dir.resolve("killed-early-" + mode);
      ChildJvm child = ChildJvm.start(dir.resolve("killed-early-" + mode + ".log"), trainArgs(run, 1));
      try {
        assertTrue(child.await(() -> Files.isRegularFile(run.resolve(ArgumentsFile.FILE))), child.output());
        child.signal("KILL");
        child.waitFor();
      } finally {
        child.destroy();
      }
      assertFalse(Files.exists(run.resolve(RunState.FILE)), "the first epoch was committed before the kill");
      List<String> again = mode.equals("plain") ? trainArgs(run, 1) : trainArgs(run, 1, "--resume");
      assertEquals(0, run(again), err.toString());
      assertTrue(err.toString().contains(mode.equals("plain")
          ? "holds only the start of a run that committed nothing" : "was committed yet: starting from the first epoch"),
          err.toString());
      assertEquals(1, RunState.read(run).epoch());
    }
  }

  /**
   * A second run into a busy directory is refused, naming the owner; once the owner is dead (here
   * SIGKILL, which leaves the lock file behind) the lock is taken over.
   */
  @Test
  void oneRunPerDirectory() throws Exception {
    Path run = dir.resolve("busy");
    ChildJvm owner = ChildJvm.start(dir.resolve("busy.log"), trainArgs(run, 50));
    try {
      Path lock = run.resolve(RunLock.FILE);
      assertTrue(owner.await(() -> Files.isRegularFile(run.resolve(ArgumentsFile.FILE))), owner.output());
      assertEquals(2, run(trainArgs(run, 50, "--resume")));
      assertEquals("train: error: --train_path " + run + " is in use by process " + owner.pid() + " (" + lock
          + "): wait for that run to end or stop it\n", err.toString());
      owner.signal("KILL");
      owner.waitFor();
    } finally {
      owner.destroy();
    }
    err.getBuffer().setLength(0);
    assertEquals(0, run(trainArgs(run, 1, "--overwrite")), err.toString());
    assertEquals(1, RunState.read(run).epoch());
  }

  /**
   * SIGTERM (and SIGINT) stop at the next step without a JVM crash, exit 128 + the signal number,
   * and --resume ends with the weights of an uninterrupted run, bit for bit.
   */
  @Test
  void aSignalStopsTheRunCleanlyAndResumeFinishesIt() throws Exception {
    Path whole = dir.resolve("signal-whole");
    assertEquals(0, ChildJvm.run(dir.resolve("signal-whole.log"), trainArgs(whole, EPOCHS)));
    for (String signal : new String[] {"TERM", "INT"}) {
      Path run = dir.resolve("signal-" + signal);
      ChildJvm child = ChildJvm.start(dir.resolve("signal-" + signal + ".log"), trainArgs(run, EPOCHS));
      int code;
      try {
        assertTrue(child.await(() -> epochs(run) >= 1), child.output());
        child.signal(signal);
        code = child.waitFor();
      } finally {
        child.destroy();
      }
      String output = child.output();
      assertEquals(signal.equals("TERM") ? 143 : 130, code, output);
      assertTrue(output.contains("train: stopped by SIG" + signal + " at step "), output);
      assertFalse(output.contains("SIGSEGV") || output.contains("fatal error"), output);
      try (Stream<Path> files = Files.list(dir)) {
        assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("hs_err_pid")), "a JVM crash log");
      }
      assertEquals(0, ChildJvm.run(dir.resolve("signal-" + signal + "-resumed.log"), trainArgs(run, EPOCHS, "--resume")));
      assertEquals(PickleWeights.read(whole.resolve(FineTuning.TRAINED_PARAMS)),
          PickleWeights.read(run.resolve(FineTuning.TRAINED_PARAMS)), signal);
    }
  }

  private static int epochs(Path run) {
    try {
      return Files.isRegularFile(run.resolve(RunState.FILE)) ? RunState.read(run).epoch() : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
