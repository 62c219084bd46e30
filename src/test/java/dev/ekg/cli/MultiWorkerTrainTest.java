package dev.ekg.cli;

import static dev.ekg.Goldens.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.io.FloatArray;
import dev.ekg.io.PickleWeights;
import dev.ekg.io.WeightFiles;
import dev.ekg.pipeline.FineTuning;
import dev.ekg.pipeline.RunState;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `train` on two worker processes over loopback, TensorFlow's gRPC runtime and collective all-reduce. */
class MultiWorkerTrainTest {
  private static final Pattern DIGEST = Pattern.compile("weights sha256: ([0-9a-f]{64})\\s*$");

  @TempDir static Path dir;
  private static Path data;

  @BeforeAll
  static void prepare() throws IOException {
    data = TinyTraining.data(dir.resolve("data"));
  }

  private static List<String> trainArgs(Path run, int epochs, String... extra) {
    return TinyTraining.args(data, run, epochs, extra);
  }

  /** Two ports nothing listens on now, for the workers' servers. */
  private static String hosts() throws IOException {
    try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
      return "localhost:" + a.getLocalPort() + ",localhost:" + b.getLocalPort();
    }
  }

  private static ChildJvm worker(Path run, String hosts, int index, int epochs, String... extra) throws IOException {
    List<String> args = CommandArgs.with(trainArgs(run, epochs, extra), "--worker_hosts", hosts, "--task_index",
        String.valueOf(index));
    return ChildJvm.start(dir.resolve(run.getFileName() + "-worker" + index + ".log"), args);
  }

  private static void bothSucceed(ChildJvm chief, ChildJvm other) throws InterruptedException {
    try {
      assertEquals(0, chief.waitFor(), chief.output());
      assertEquals(0, other.waitFor(), other.output());
    } finally {
      chief.destroy();
      other.destroy();
    }
  }

  private static String digest(String output) {
    Matcher m = DIGEST.matcher(output);
    assertTrue(m.find(), "no weights sha256 as the last line: " + output);
    return m.group(1);
  }

  private static int runInProcess(List<String> args, StringWriter err) {
    return Main.commandLine().setOut(new PrintWriter(new StringWriter(), true)).setErr(new PrintWriter(err, true))
        .execute(args.toArray(String[]::new));
  }

  /**
   * Worker k of 2 takes rows [k·B/2, (k+1)·B/2) of every batch, as replica k of an in-process
   * `--replicas 2` run does: both workers end with identical weights, equal to that run's.
   */
  @Test
  void twoWorkersEndWithTheWeightsOfTwoInProcessReplicas() throws Exception {
    Path run = dir.resolve("workers");
    String hosts = hosts();
    ChildJvm chief = worker(run, hosts, 0, 1);
    ChildJvm other = worker(run, hosts, 1, 1);
    bothSucceed(chief, other);
    assertEquals(digest(chief.output()), digest(other.output()), "the workers' weights differ");
    assertTrue(chief.output().contains("Epoch: 1, "), chief.output());

    Path replicas = dir.resolve("replicas");
    StringWriter err = new StringWriter();
    assertEquals(0, runInProcess(trainArgs(replicas, 1, "--replicas", "2"), err), err.toString());
    Map<String, FloatArray> expected = PickleWeights.read(replicas.resolve(FineTuning.TRAINED_PARAMS));
    Map<String, FloatArray> actual = PickleWeights.read(run.resolve(FineTuning.TRAINED_PARAMS));
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((key, value) -> assertClose(value, actual.get(key), 1e-5, 1e-7, key));
    assertEquals(fileNames(replicas), fileNames(run), "the chief writes what one process writes");
  }

  private static List<String> fileNames(Path run) throws IOException {
    try (Stream<Path> files = Files.list(run)) {
      return files.map(p -> p.getFileName().toString().replaceAll("\\d+", "N")).sorted().toList();
    }
  }

  @Test
  void aWorkerWhoseOthersNeverComeFailsWithinItsTimeout() throws Exception {
    Path run = dir.resolve("alone");
    ChildJvm alone = worker(run, hosts(), 0, 1, "--worker_timeout", "3");
    try {
      assertEquals(2, alone.waitFor(), alone.output());
    } finally {
      alone.destroy();
    }
    assertTrue(alone.output().contains("train: error: worker 0 of [localhost:"), alone.output());
    assertTrue(alone.output().contains("did not complete the step within --worker_timeout 3 s"), alone.output());
  }

  /**
   * A worker killed mid-run stops the chief with a clear error; the chief's last checkpoint stays,
   * and both workers resume from it (the other from a copy of the chief's commit).
   */
  @Test
  void aKilledWorkerStopsTheChiefWithItsCheckpointIntact() throws Exception {
    Path run = dir.resolve("killed");
    String hosts = hosts();
    ChildJvm chief = worker(run, hosts, 0, 4, "--worker_timeout", "20");
    ChildJvm other = worker(run, hosts, 1, 4, "--worker_timeout", "20");
    try {
      assertTrue(chief.await(() -> chief.output().contains("Epoch: 1, ")), chief.output());
      other.signal("KILL");
      other.waitFor();
      int code = chief.waitFor();
      assertNotEquals(0, code, chief.output());
      assertTrue(chief.output().contains("train: error: worker 0 of [localhost:"), chief.output());
    } finally {
      chief.destroy();
      other.destroy();
    }
    RunState state = RunState.read(run);
    assertTrue(state.epoch() >= 1, "epochs committed: " + state.epoch());
    assertEquals(PickleWeights.read(run.resolve(FineTuning.TRAINED_PARAMS)),
        WeightFiles.read(run.resolve(state.checkpoint())), "the last checkpoint holds the last committed weights");

    String again = hosts();
    ChildJvm resumedChief = worker(run, again, 0, 4, "--worker_timeout", "60", "--resume");
    ChildJvm resumedOther = worker(run, again, 1, 4, "--worker_timeout", "60", "--resume");
    bothSucceed(resumedChief, resumedOther);
    assertTrue(resumedChief.output().contains("resuming " + run + " at epoch " + state.epoch()), resumedChief.output());
    assertEquals(digest(resumedChief.output()), digest(resumedOther.output()), "both resumed from the chief's commit");
    assertEquals(4, RunState.read(run).epoch());
  }

  @Test
  void workerFlagsAreCheckedBeforeAnythingIsWritten() {
    Path run = dir.resolve("flags");
    for (String[] flags : new String[][] {
        {"--task_index", "1"},
        {"--worker_hosts", "localhost:1,localhost:2"},
        {"--worker_hosts", "localhost:1,localhost:2", "--task_index", "2"},
        {"--worker_hosts", "localhost", "--task_index", "0"},
        {"--worker_hosts", "localhost:1,localhost:2,localhost:3", "--task_index", "0"}}) {
      StringWriter err = new StringWriter();
      assertEquals(2, runInProcess(trainArgs(run, 1, flags), err), String.join(" ", flags));
      assertEquals(1, err.toString().strip().lines().count(), err.toString());
      assertTrue(err.toString().startsWith("train: error: --"), err.toString());
      assertTrue(!Files.exists(run), String.join(" ", flags));
    }
  }
}
