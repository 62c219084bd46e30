package dev.ekg.pipeline;

import dev.ekg.data.Batch;
import dev.ekg.data.CifarDataset;
import dev.ekg.data.Normalization;
import dev.ekg.data.Prefetcher;
import dev.ekg.data.TrainingBatches;
import dev.ekg.io.Checkpoints;
import dev.ekg.io.FloatArray;
import dev.ekg.io.PickleWeights;
import dev.ekg.io.TensorBoardWriter;
import dev.ekg.model.Model;
import dev.ekg.nn.BnMode;
import dev.ekg.nn.NonFiniteException;
import dev.ekg.progress.Progress;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.progress.ProgressUnit;
import dev.ekg.train.LearningRateSchedule;
import dev.ekg.train.TrainStep;
import dev.ekg.train.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The training loop of the reference's {@code train.py} (§6.8): steps over shuffled, augmented
 * batches prepared on a background thread; after every epoch a test in inference-BN mode, the
 * epoch line, TensorBoard scalars, a training checkpoint (weights and momentum) and
 * {@code trained_params.pkl}, then {@link RunState} as the commit point a resumed run starts from.
 */
public final class FineTuning {
  public static final String TRAINED_PARAMS = "trained_params.pkl";
  public static final String CHECKPOINT_DIR = "checkpoints";

  /**
   * Loop settings; the step's own settings live in {@link TrainStep.Config}.
   *
   * @param memoryBank teacher logits {@code [N, classes, teachers]} row-aligned with the training
   *     set, for the memory-bank objective (two views per example), or null for plain training
   */
  public record Settings(
      int epochs, int batchSize, int valBatchSize, LearningRateSchedule schedule, long seed, int doLog,
      boolean perImageCrop, FloatArray memoryBank) {
    public Settings {
      atLeast("--train_epoch", epochs, 1);
      atLeast("--batch_size", batchSize, 1);
      atLeast("--val_batch_size", valBatchSize, 1);
      atLeast("--do_log", doLog, 0);
    }

    public Settings(
        int epochs, int batchSize, int valBatchSize, LearningRateSchedule schedule, long seed, int doLog,
        boolean perImageCrop) {
      this(epochs, batchSize, valBatchSize, schedule, seed, doLog, perImageCrop, null);
    }

    /** These settings with {@code bank} as the memory bank (null: plain training). */
    public Settings withMemoryBank(FloatArray bank) {
      return new Settings(epochs, batchSize, valBatchSize, schedule, seed, doLog, perImageCrop, bank);
    }
  }

  /** Fails with the flag's name before any work starts, not in the middle of a run. */
  static void atLeast(String flag, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(flag + " must be at least " + min + ", got " + value);
    }
  }

  private final Model model;
  private final TrainStep step;
  private final Settings settings;
  private final Path runDir;
  private final PrintWriter out;
  private final ProgressReporter progress;

  /**
   * Builds the step into the model's graph: plain cross-entropy (§5.1), or with a memory bank in
   * {@code settings} the memory-bank objective (§5.2) over as many teachers as the bank holds.
   *
   * @param stepConfig the step's settings; its teacher count is taken from the bank
   * @param out the epoch lines
   * @param progress each epoch's and each test's progress, and the {@code --do_log} step lines
   */
  public FineTuning(Model model, TrainStep.Config stepConfig, Settings settings, Path runDir, PrintWriter out,
      ProgressReporter progress) {
    this.model = model;
    FloatArray bank = settings.memoryBank();
    this.step = new TrainStep(model, stepConfig.withTeachers(bank == null ? 0 : bank.dim(2)));
    this.settings = settings;
    this.runDir = runDir;
    this.out = out;
    this.progress = progress;
  }

  /**
   * Trains from {@code state} (fresh, or read from the run directory to resume) to the last epoch.
   *
   * @throws TrainingDivergedException on a NaN or infinite loss; nothing of that epoch is saved
   */
  public RunState run(CifarDataset train, CifarDataset test, Normalization normalization, RunState state)
      throws IOException, InterruptedException {
    TrainingBatches.Builder builder =
        TrainingBatches.builder(train, normalization, settings.batchSize(), settings.seed())
            .perImageCrop(settings.perImageCrop());
    FloatArray bank = settings.memoryBank();
    if (bank != null) {
      if (bank.dim(0) != train.size()) {
        throw new IllegalArgumentException("the memory bank holds " + bank.dim(0) + " rows, the training set "
            + train.size() + " images");
      }
      builder.twoViews(true).knowledge(bank.data(), bank.size() / bank.dim(0));
    }
    TrainingBatches batches = builder.build();
    int stepsPerEpoch = batches.stepsPerEpoch();
    long totalSteps = (long) stepsPerEpoch * settings.epochs();
    if (state.checkpoint() != null) {
      step.restoreCheckpoint(runDir.resolve(state.checkpoint()));
    }
    long startStep = (long) state.epoch() * stepsPerEpoch;
    long runStart = System.nanoTime();
    try (TensorBoardWriter events = new TensorBoardWriter(runDir);
        Prefetcher prefetcher = new Prefetcher(batches, startStep, totalSteps, 3)) {
      for (int epoch = state.epoch(); epoch < settings.epochs(); epoch++) {
        float firstLr = (float) settings.schedule().at((long) epoch * stepsPerEpoch, stepsPerEpoch);
        float lr = firstLr;
        long epochStart = System.nanoTime();
        Prefetcher.WaitStats waitAtStart = prefetcher.waitStats();
        double lossSum = 0;
        long correct = 0;
        try (Progress shown = progress.start(
            String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, settings.epochs()), stepsPerEpoch, ProgressUnit.STEPS)) {
          for (int i = 0; i < stepsPerEpoch; i++) {
            long s = (long) epoch * stepsPerEpoch + i;
            lr = (float) settings.schedule().at(s, stepsPerEpoch);
            Batch batch = prefetcher.take();
            TrainStep.Outcome outcome;
            try {
              outcome = step.run(batch.images(), batch.labels(), batch.knowledge(), batch.size(), lr);
            } finally {
              prefetcher.release(batch);
            }
            if (!Float.isFinite(outcome.loss())) {
              throw new TrainingDivergedException(String.format(Locale.ROOT,
                  "step %d (epoch %d): the loss is %s at learning rate %g; training stopped, %s", s + 1, epoch + 1,
                  outcome.loss(), lr, state.checkpoint() == null
                      ? "no checkpoint was written yet"
                      : "the last good checkpoint is " + runDir.resolve(state.checkpoint())));
            }
            StopRequest.check(String.format(Locale.ROOT, "at step %d (epoch %d); %s", s + 1, epoch + 1,
                state.checkpoint() == null
                    ? "no epoch was committed yet: --resume starts from the first one"
                    : "--resume continues after epoch " + state.epoch() + ", the last one committed"));
            lossSum += outcome.loss();
            correct += outcome.correct();
            shown.extra(String.format(Locale.ROOT, "train_loss %.4f", lossSum / (i + 1)));
            shown.advance(1);
            if (settings.doLog() > 0 && (s + 1) % settings.doLog() == 0) {
              logProgress(s + 1, totalSteps, startStep, runStart, outcome.loss(), lr,
                  prefetcher.waitStats().since(waitAtStart));
            }
          }
        }
        Evaluation.Result result;
        try {
          result = Evaluation.run(model, BnMode.INFERENCE, test, normalization, settings.valBatchSize(), false,
              progress, "test after epoch " + (epoch + 1));
        } catch (NonFiniteException e) {
          throw e.in("the test after epoch " + (epoch + 1));
        }
        double trainLoss = lossSum / stepsPerEpoch;
        double trainAcc = 100.0 * correct / ((long) stepsPerEpoch * settings.batchSize() * batches.views());
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        out.printf(Locale.ROOT,
            "Epoch: %d, train_loss: %.4f, train_Acc.: %.2f, val_loss: %.4f, val_Acc.: %.2f, lr: %s, %.1f s%n",
            epoch + 1, trainLoss, trainAcc, result.loss(), 100 * result.top1(), rates(firstLr, lr), seconds);
        out.flush();
        events.scalar("Categorical_loss/train", epoch + 1, trainLoss);
        events.scalar("Categorical_loss/test", epoch + 1, result.loss());
        events.scalar("Accuracy/train", epoch + 1, trainAcc);
        events.scalar("Accuracy/test", epoch + 1, 100 * result.top1());
        events.scalar("learning_rate", epoch + 1, lr);
        events.flush();
        state = commit(state, epoch + 1, (long) (epoch + 1) * stepsPerEpoch,
            new RunState.EpochRecord(epoch + 1, trainLoss, trainAcc, result.loss(), 100 * result.top1(), lr, seconds));
      }
    }
    return state;
  }

  /** Checkpoint, then weights, then the run state that names them; then the superseded checkpoint goes. */
  private RunState commit(RunState state, int epoch, long atStep, RunState.EpochRecord record) throws IOException {
    String prefix = CHECKPOINT_DIR + "/" + String.format(Locale.ROOT, "epoch-%04d", epoch);
    step.saveCheckpoint(runDir.resolve(prefix));
    PickleWeights.write(runDir.resolve(TRAINED_PARAMS), model.weights());
    RunState next = state.after(epoch, atStep, prefix, record);
    next.write(runDir);
    if (state.checkpoint() != null && !state.checkpoint().equals(prefix)) {
      Checkpoints.delete(runDir.resolve(state.checkpoint()));
    }
    return next;
  }

  /** The epoch's learning rate, or its first and last when it decayed within the epoch. */
  private static String rates(float first, float last) {
    return first == last
        ? String.format(Locale.ROOT, "%.4g", last)
        : String.format(Locale.ROOT, "%.4g→%.4g", first, last);
  }

  private void logProgress(
      long done, long total, long startStep, long runStart, float loss, float lr, Prefetcher.WaitStats wait) {
    double elapsed = (System.nanoTime() - runStart) / 1e9;
    double perStep = elapsed / Math.max(1, done - startStep);
    long eta = Math.round(perStep * (total - done));
    progress.println(String.format(Locale.ROOT,
        "step %d/%d  loss %.4f  lr %.4g  %.1f img/s  data wait %.2f ms/step  ETA %d:%02d:%02d",
        done, total, loss, lr, settings.batchSize() / perStep, wait.millisPerBatch(), eta / 3600, eta / 60 % 60,
        eta % 60));
  }
}
