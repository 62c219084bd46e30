package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ekg.data.CifarDataset;
import dev.ekg.data.CifarSplits;
import dev.ekg.pipeline.FineTuning;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** One set of training-loop flags, with each reference script's own defaults (§1.1, §1.3, §5.5). */
class FineTuningOptionsTest {
  private static CommandSpec parsed(Object command, String... args) {
    CommandLine line = new CommandLine(command);
    line.parseArgs(args);
    return line.getCommandSpec();
  }

  private static Object value(CommandSpec spec, String option) {
    return spec.findOption(option).getValue();
  }

  @Test
  void trainHasTheStandaloneTrainPyDefaults() {
    CommandSpec spec = parsed(new TrainCommand(), "--data_path", "d");
    assertEquals(5e-2, value(spec, "--learning_rate"));
    assertArrayEquals(new double[] {.3, .6, .9}, (double[]) value(spec, "--decay_points"));
    assertEquals(.1, value(spec, "--decay_rate"));
    assertEquals(1e-4f, value(spec, "--weight_decay"));
    assertEquals(250, value(spec, "--val_batch_size"));
    assertEquals(0L, value(spec, "--seed"));
    assertEquals(false, value(spec, "--Knowledge"), "train.py's --Knowledge is off unless given (§1.3)");
  }

  @Test
  void trainCifarHasTheDriversFineTuningDefaults() {
    CommandSpec spec = parsed(new TrainCifarCommand(), "--data_path", "d");
    assertEquals(1e-2, value(spec, "--learning_rate"));
    assertArrayEquals(new double[] {.3, .6, .8}, (double[]) value(spec, "--decay_points"));
    assertEquals(.2, value(spec, "--decay_rate"));
    assertEquals(5e-4f, value(spec, "--weight_decay"));
    assertEquals(256, value(spec, "--val_batch_size"));
    assertEquals(1L, value(spec, "--seed"));
    assertEquals(true, value(spec, "--Knowledge"), "on by default in train_cifar (the driver forgot it, §10.1)");
    assertEquals(128, value(spec, "--batch_size"));
    assertEquals(100, value(spec, "--train_epoch"));
  }

  @Test
  void flagsOverrideTheDefaultsAndReachTheLoopSettings() {
    FineTuningOptions options = new FineTuningOptions(FineTuningOptions.TRAIN_CIFAR);
    new CommandLine(options).parseArgs("--learning_rate", "0.2", "--decay_points", "2", "4", "--train_epoch", "5",
        "--batch_size", "64", "--seed", "9", "--per_image_crop");
    FineTuning.Settings settings = options.settings();
    assertEquals(5, settings.epochs());
    assertEquals(64, settings.batchSize());
    assertEquals(256, settings.valBatchSize());
    assertEquals(9L, settings.seed());
    assertEquals(true, settings.perImageCrop());
    assertEquals(64, options.stepConfig().batchSizeFlag());
    assertEquals(5e-4f, options.stepConfig().weightDecay());
  }

  @Test
  void theDefaultsAreCopiedNotShared() {
    FineTuningOptions first = new FineTuningOptions(FineTuningOptions.TRAIN);
    first.decayPoints[0] = 7;
    assertEquals(.3, new FineTuningOptions(FineTuningOptions.TRAIN).decayPoints[0]);
  }

  @Test
  void anEpochCountBelowOneNamesTheFlag() {
    FineTuningOptions options = new FineTuningOptions(FineTuningOptions.TRAIN);
    new CommandLine(options).parseArgs("--train_epoch", "0");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, options::settings);
    assertEquals("--train_epoch must be at least 1, got 0", e.getMessage());
  }

  @Test
  void trainPerClassCutsTheTrainingSetAndNamesTheFlagWhenAClassIsShort() {
    byte[] images = new byte[4 * 3072];
    CifarSplits splits = new CifarSplits(CifarDataset.of(images, new int[] {0, 1, 1, 0}, 2),
        CifarDataset.of(new byte[3072], new int[] {1}, 2));
    FineTuningOptions options = new FineTuningOptions(FineTuningOptions.TRAIN);
    assertSame(splits, options.select(splits, Path.of("data")));
    new CommandLine(options).parseArgs("--train_per_class", "1");
    CifarSplits one = options.select(splits, Path.of("data"));
    assertArrayEquals(new int[] {0, 1}, one.train().labels());
    assertSame(splits.test(), one.test());
    new CommandLine(options).parseArgs("--train_per_class", "3");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> options.select(splits, Path.of("data")));
    assertEquals("--train_per_class 3: in the training set of --data_path data, class 0 has 2 images, "
        + "fewer than the 3 asked for", e.getMessage());
    new CommandLine(options).parseArgs("--train_per_class", "-1");
    e = assertThrows(IllegalArgumentException.class, () -> options.select(splits, Path.of("data")));
    assertEquals("--train_per_class must be 0 (all) or positive, got -1", e.getMessage());
  }
}
