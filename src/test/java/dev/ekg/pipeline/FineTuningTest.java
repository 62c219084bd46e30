package dev.ekg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.data.CifarSplits;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.Normalization;
import dev.ekg.data.SyntheticCifar;
import dev.ekg.io.FloatArray;
import dev.ekg.io.PickleWeights;
import dev.ekg.io.TensorBoardReader;
import dev.ekg.model.Model;
import dev.ekg.model.ResNetArchitecture;
import dev.ekg.model.ResNetSpec;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.runtime.Cluster;
import dev.ekg.runtime.SessionOptions;
import dev.ekg.train.LearningRateSchedule;
import dev.ekg.train.TrainStep;
import dev.ekg.train.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FineTuningTest {
  private static final ResNetArchitecture RESNET8 = ResNetArchitecture.of(ResNetSpec.ofDepth(8, 10));
  /** One thread per op: the bits then do not depend on the core count of the machine running the tests. */
  private static final SessionOptions SERIAL = new SessionOptions(false, List.of(), 1, 1, 1, Cluster.LOCAL);
  private static CifarSplits data;

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();

  @BeforeAll
  static void makeData() {
    data = new SyntheticCifar(CifarVariant.CIFAR10, 16, 4, 5, SyntheticCifar.DEFAULT_NOISE).generate();
  }

  private RunState train(Path runDir, int epochs, RunState state, LearningRateSchedule schedule)
      throws IOException, InterruptedException {
    return train(runDir, epochs, state, schedule, null);
  }

  private RunState train(Path runDir, int epochs, RunState state, LearningRateSchedule schedule, FloatArray bank)
      throws IOException, InterruptedException {
    try (Model model = Model.create(RESNET8, SERIAL, 7)) {
      TrainStep.Config step = new TrainStep.Config(5e-4f, 32, 2);
      FineTuning.Settings settings = new FineTuning.Settings(epochs, 32, 50, schedule, 3, 0, false, bank);
      return new FineTuning(model, step, settings, runDir, new PrintWriter(out),
              ProgressReporter.plain(new PrintWriter(new StringWriter())))
          .run(data.train(), data.test(), Normalization.CIFAR10, state);
    }
  }

  private static LearningRateSchedule schedule() {
    return new LearningRateSchedule(0.05, new double[] {2}, 0.2, 3);
  }

  @Test
  void aResumedRunEndsWithTheSameWeightsBitForBit() throws Exception {
    Path whole = dir.resolve("whole");
    Path split = dir.resolve("split");
    Files.createDirectories(whole);
    Files.createDirectories(split);
    RunState finished = train(whole, 3, RunState.fresh(), schedule());

    RunState stopped = train(split, 2, RunState.fresh(), schedule());
    assertEquals(2, stopped.epoch());
    RunState resumed = train(split, 3, RunState.read(split), schedule());

    assertEquals(finished.step(), resumed.step());
    assertEquals(3, resumed.history().size());
    Map<String, FloatArray> expected = PickleWeights.read(whole.resolve(FineTuning.TRAINED_PARAMS));
    Map<String, FloatArray> actual = PickleWeights.read(split.resolve(FineTuning.TRAINED_PARAMS));
    assertEquals(expected, actual, "weights after 3 epochs, uninterrupted vs stopped after 2 and resumed");
    assertEquals(finished.history().get(2).testLoss(), resumed.history().get(2).testLoss());

    try (Stream<Path> files = Files.list(split.resolve(FineTuning.CHECKPOINT_DIR))) {
      assertEquals(List.of("epoch-0003.data-00000-of-00001", "epoch-0003.index"),
          files.map(p -> p.getFileName().toString()).sorted().toList(), "superseded checkpoints are removed");
    }
  }

  @Test
  void memoryBankDistillationTrainsOnTwoViews() throws Exception {
    int n = data.train().size();
    float[] logits = new float[n * 10 * 3];
    java.util.SplittableRandom random = new java.util.SplittableRandom(4);
    int[] labels = data.train().labels();
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < 3; t++) {
        logits[(i * 10 + labels[i]) * 3 + t] = 3f - t + (float) random.nextDouble();
      }
    }
    RunState state = train(dir, 2, RunState.fresh(), schedule(), new FloatArray(new int[] {n, 10, 3}, logits));
    assertEquals(2, state.history().size());
    assertTrue(Double.isFinite(state.history().get(1).trainLoss()));
    assertTrue(state.history().get(1).trainLoss() < state.history().get(0).trainLoss(), state.history().toString());
  }

  @Test
  void logsTheReferenceScalarsAndEpochLines() throws Exception {
    train(dir, 2, RunState.fresh(), schedule());
    Path events;
    try (Stream<Path> files = Files.list(dir)) {
      events = files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents")).findFirst().orElseThrow();
    }
    List<TensorBoardReader.Scalar> scalars = TensorBoardReader.readScalars(events);
    assertEquals(10, scalars.size());
    assertEquals(List.of("Categorical_loss/train", "Categorical_loss/test", "Accuracy/train", "Accuracy/test",
        "learning_rate"), scalars.subList(0, 5).stream().map(TensorBoardReader.Scalar::tag).toList());
    assertEquals(0.05f, scalars.get(4).value());
    String[] lines = out.toString().split("\\R");
    assertEquals(2, lines.length);
    assertTrue(lines[1].matches("Epoch: 2, train_loss: \\d+\\.\\d{4}, train_Acc\\.: \\d+\\.\\d\\d, val_loss: \\d+\\.\\d{4}, "
        + "val_Acc\\.: \\d+\\.\\d\\d, lr: 0\\.05000, \\d+\\.\\d s"), lines[1]);
  }

  @Test
  void aDivergingLossStopsAndKeepsTheLastGoodCheckpoint() throws Exception {
    LearningRateSchedule explode = new LearningRateSchedule(0.05, new double[] {1}, 1e30, 2);
    var e = assertThrows(TrainingDivergedException.class, () -> train(dir, 2, RunState.fresh(), explode));
    assertTrue(e.getMessage().matches("step \\d+ \\(epoch 2\\): the loss is (NaN|Infinity|-Infinity) at learning rate .*"
        + "the last good checkpoint is .*epoch-0001"), e.getMessage());
    RunState state = RunState.read(dir);
    assertEquals(1, state.epoch());
    assertTrue(Files.isRegularFile(dir.resolve(state.checkpoint() + ".index")));
    assertFalse(Files.exists(dir.resolve(FineTuning.CHECKPOINT_DIR).resolve("epoch-0002.index")));
  }
}
