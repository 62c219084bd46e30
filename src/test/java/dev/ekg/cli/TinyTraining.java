package dev.ekg.cli;

import dev.ekg.data.CifarVariant;
import dev.ekg.data.SyntheticCifar;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A `train` of ResNet-8 on a small synthetic CIFAR-10 (240 training images, 15 steps an epoch): seconds per epoch. */
final class TinyTraining {
  private TinyTraining() {}

  /** Writes the data set into {@code dir} and returns it. */
  static Path data(Path dir) throws IOException {
    new SyntheticCifar(CifarVariant.CIFAR10, 24, 5, 9, SyntheticCifar.DEFAULT_NOISE).write(dir, false);
    return dir;
  }

  /** The command line, with {@code extra} flags replacing or adding to it ({@link CommandArgs#with}). */
  static List<String> args(Path data, Path run, int epochs, String... extra) {
    return CommandArgs.with(List.of("train", "--arch", "ResNet-8", "--data_path", data.toString(),
        "--train_path", run.toString(), "--train_epoch", String.valueOf(epochs), "--batch_size", "16",
        "--val_batch_size", "25", "--threads", "1", "--do_log", "5"), extra);
  }
}
