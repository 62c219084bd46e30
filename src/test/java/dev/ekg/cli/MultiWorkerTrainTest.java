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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
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

  /**
   * train_cifar's fine-tuning phase on two workers, from a run whose search and prune phases ran on
   * one machine: the same weights on both, equal to a `--replicas 2` fine-tuning of that run, and
   * the chief's folder as one process writes it.
   */
  @Test
  void trainCifarFineTunesOnTwoWorkersAsOnTwoReplicas() throws Exception {
    Path trained = dir.resolve("to-prune");
    StringWriter err = new StringWriter();
    assertEquals(0, runInProcess(trainArgs(trained, 1), err), err.toString());
    Path pruned = dir.resolve("pruned");
    for (String phase : List.of("search", "prune")) {
      assertEquals(0, runInProcess(trainCifarArgs(pruned, "--phase", phase, "--method", "magnitude",
          "--search_target_rate", "0.5", "--search_batch_size", "40"), err), err.toString());
    }
    Path onWorkers = dir.resolve("cifar-workers");
    Path onReplicas = dir.resolve("cifar-replicas");
    FileUtils.copyDirectory(pruned.toFile(), onWorkers.toFile());
    FileUtils.copyDirectory(pruned.toFile(), onReplicas.toFile());
    String hosts = hosts();
    List<ChildJvm> workers = new ArrayList<>();
    for (int index = 0; index < 2; index++) {
      List<String> args = CommandArgs.with(trainCifarArgs(onWorkers, FINE_TUNE), "--worker_hosts", hosts,
          "--task_index", String.valueOf(index));
      workers.add(ChildJvm.start(dir.resolve("cifar-worker" + index + ".log"), args));
    }
    bothSucceed(workers.get(0), workers.get(1));
    assertEquals(digest(workers.get(0).output()), digest(workers.get(1).output()), "the workers' weights differ");
    assertTrue(workers.get(0).output().contains("report: "), workers.get(0).output());
    assertTrue(!workers.get(1).output().contains("report: "), "only the chief summarizes: " + workers.get(1).output());

    assertEquals(0, runInProcess(CommandArgs.with(trainCifarArgs(onReplicas, FINE_TUNE), "--replicas", "2"), err),
        err.toString());
    Map<String, FloatArray> expected = PickleWeights.read(onReplicas.resolve(FineTuning.TRAINED_PARAMS));
    Map<String, FloatArray> actual = PickleWeights.read(onWorkers.resolve(FineTuning.TRAINED_PARAMS));
    expected.forEach((key, value) -> assertClose(value, actual.get(key), 1e-5, 1e-7, key));
    assertEquals(fileNames(onReplicas), fileNames(onWorkers), "the chief writes what one process writes");
  }

  private static final String[] FINE_TUNE = {"--phase", "finetune", "--train_epoch", "1", "--batch_size", "16",
      "--val_batch_size", "25", "--do_log", "5"};

  private static List<String> trainCifarArgs(Path run, String... extra) {
    return CommandArgs.with(List.of("train_cifar", "--arch", "ResNet-8", "--data_path", data.toString(),
        "--train_path", run.toString(), "--trained_param",
        dir.resolve("to-prune").resolve(FineTuning.TRAINED_PARAMS).toString(), "--threads", "1"), extra);
  }

  @Test
  void trainCifarRunsOnlyItsFineTuningOnSeveralWorkers() {
    StringWriter err = new StringWriter();
    Path run = dir.resolve("cifar-all");
    assertEquals(2, runInProcess(CommandArgs.with(trainCifarArgs(run), "--worker_hosts", "localhost:1,localhost:2",
        "--task_index", "0"), err));
    assertEquals("train_cifar: error: several workers (--worker_hosts or TF_CONFIG) run the fine-tuning phase only: "
        + "run --phase search and --phase prune on one machine, then --phase finetune on every worker; got --phase all",
        err.toString().strip());
    assertTrue(!Files.exists(run));
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

    String fourWorkers = "{\"cluster\": {\"worker\": [\"localhost:1\", \"localhost:2\", \"localhost:3\", "
        + "\"localhost:4\"]}, "
        + "\"task\": {\"type\": \"worker\", \"index\": 0}}";
    ChildJvm widened = ChildJvm.start(dir.resolve("widened.log"), trainArgs(run, 4, "--resume"),
        Map.of(WorkerOptions.TF_CONFIG, fourWorkers));
    assertEquals(2, widened.waitFor(), widened.output());
    assertTrue(widened.output().contains("train: error: --resume: the run in " + run + " was started with other values "
        + "(workers (--worker_hosts or TF_CONFIG) 2 -> 4)"), widened.output());
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
