package dev.ekg.cli;

import dev.ekg.data.CifarDataset;
import dev.ekg.data.CifarSplits;
import dev.ekg.pipeline.FineTuning;
import dev.ekg.train.LearningRateSchedule;
import dev.ekg.train.TrainStep;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The training-loop flags of {@code train} and {@code train_cifar}. The two reference scripts give
 * some of them different defaults (§1.1, §1.3, §5.5), so each command starts from its own
 * {@link Defaults}; picocli shows the field values as the defaults in the help.
 */
final class FineTuningOptions {
  /** The defaults that differ between the reference's {@code train.py} and {@code train_cifar.py}. */
  record Defaults(double learningRate, double[] decayPoints, double decayRate, float weightDecay, int valBatchSize,
      long seed, boolean knowledge) {}

  /** HEAD's standalone {@code train.py} (§1.3, §5.5). */
  static final Defaults TRAIN = new Defaults(5e-2, new double[] {.3, .6, .9}, .1, 1e-4f, 250, 0, false);

  /**
   * What {@code train_cifar.py} forwards to its fine-tuning (§1.1, §5.5), except the memory bank:
   * on by default (the reference's driver forgets it, §10.1).
   */
  static final Defaults TRAIN_CIFAR = new Defaults(1e-2, new double[] {.3, .6, .8}, .2, 5e-4f, 256, 1, true);

  @Option(names = "--Knowledge", arity = "0..1", fallbackValue = "true",
      description = "fine-tune with memory-bank distillation from <DATASET>_knowledge.npy (train: the file beside "
          + "--trained_param; train_cifar: the one its prune phase writes); --Knowledge=false for plain "
          + "cross-entropy (default: ${DEFAULT-VALUE})")
  boolean knowledge;

  @Option(names = "--learning_rate", description = "base learning rate (default: ${DEFAULT-VALUE})")
  double learningRate;

  @Option(names = "--decay_points", arity = "1..*",
      description = "epochs (or fractions of --train_epoch when < 1) where the rate decays (default: ${DEFAULT-VALUE})")
  double[] decayPoints;

  @Option(names = "--decay_rate", description = "factor applied at each decay point (default: ${DEFAULT-VALUE})")
  double decayRate;

  @Option(names = "--weight_decay", description = "coupled L2 on every trainable variable (default: ${DEFAULT-VALUE})")
  float weightDecay;

  @Option(names = "--batch_size", description = "images per training step (default: ${DEFAULT-VALUE})")
  int batchSize = 128;

  @Option(names = "--val_batch_size",
      description = "images per evaluation batch: the per-epoch test, and train_cifar's memory bank (default: ${DEFAULT-VALUE})")
  int valBatchSize;

  @Option(names = "--train_epoch", description = "epochs (default: ${DEFAULT-VALUE})")
  int trainEpoch = 100;

  @Option(names = "--seed", description = "data order and augmentation, and the initial weights of a network trained from scratch (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--accum", description = "gradient-accumulation chunks per batch (default: ${DEFAULT-VALUE})")
  int accum = 1;

  @Option(names = "--do_log", description = "a detailed step line on stderr (loss, lr, img/s, data wait, ETA) every N steps of the run, 0 = none; "
      + "each epoch reports its progress whatever N is (default: ${DEFAULT-VALUE})")
  int doLog = 200;

  @Option(names = "--train_per_class",
      description = "use only the first N training images of each class, in every phase; 0 = all (default: ${DEFAULT-VALUE})")
  int trainPerClass = 0;

  @Option(names = "--per_image_crop",
      description = "draw a crop offset per image instead of the reference's one per batch (default: ${DEFAULT-VALUE})")
  boolean perImageCrop = false;

  FineTuningOptions(Defaults defaults) {
    learningRate = defaults.learningRate();
    decayPoints = defaults.decayPoints().clone();
    decayRate = defaults.decayRate();
    weightDecay = defaults.weightDecay();
    valBatchSize = defaults.valBatchSize();
    seed = defaults.seed();
    knowledge = defaults.knowledge();
  }

  /** The loop's settings; fails with the flag's name when a count is out of range. */
  FineTuning.Settings settings() {
    return new FineTuning.Settings(trainEpoch, batchSize, valBatchSize,
        new LearningRateSchedule(learningRate, decayPoints, decayRate, trainEpoch), seed, doLog, perImageCrop);
  }

  /**
   * The splits the run trains on: the training set cut to {@code --train_per_class} images per class,
   * or whole.
   */
  CifarSplits select(CifarSplits splits, Path dataPath) {
    if (trainPerClass < 0) {
      throw new IllegalArgumentException("--train_per_class must be 0 (all) or positive, got " + trainPerClass);
    }
    if (trainPerClass == 0) {
      return splits;
    }
    try {
      return new CifarSplits(splits.train().firstPerClass(trainPerClass), splits.test());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--train_per_class " + trainPerClass + ": in the training set of --data_path "
          + dataPath + ", " + e.getMessage());
    }
  }

  /** Fails naming the flag when a batch does not fit the training set of {@code dataPath}. */
  void requireFits(CifarDataset train, Path dataPath) {
    if (batchSize > train.size()) {
      throw new IllegalArgumentException("--batch_size " + batchSize + " exceeds the " + train.size()
          + " training images in --data_path " + dataPath);
    }
  }

  /** The step's weight decay, loss divisor and accumulation, on one replica. */
  TrainStep.Config stepConfig() {
    return new TrainStep.Config(weightDecay, batchSize, accum);
  }
}
