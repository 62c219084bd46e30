package dev.ekg.pipeline;

import dev.ekg.data.CifarDataset;
import dev.ekg.data.CifarVariant;
import dev.ekg.io.FloatArray;
import dev.ekg.io.NpyFile;
import dev.ekg.io.WeightFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code <DATASET>_knowledge.npy}, the memory bank (§6.7): float32 teacher logits
 * {@code [N_train, classes, teachers]} on the un-augmented training set in dataset order, teacher 0
 * the best. {@code train_cifar}'s prune phase writes it; fine-tuning with {@code --Knowledge} reads it.
 */
public final class KnowledgeFile {
  private KnowledgeFile() {}

  public static String name(CifarVariant variant) {
    return variant.name() + "_knowledge.npy";
  }

  /** Where the reference's {@code train.py} looks for it: in the folder of the weights it fine-tunes (§6.8). */
  public static Path beside(Path weights, CifarVariant variant) {
    return weights.resolveSibling(name(variant));
  }

  /**
   * Reads the bank for fine-tuning on {@code train}.
   *
   * @param whenMissing what the user can do when the file is absent, appended to the message
   * @throws IOException naming the file when it is missing, not a float .npy, of another shape than
   *     {@code [train.size(), train.numClasses(), teachers ≥ 1]} or holds a NaN or infinity
   */
  public static FloatArray read(Path file, CifarDataset train, String whenMissing) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + " is missing: " + whenMissing);
    }
    FloatArray bank = NpyFile.readFloat(file);
    int[] shape = bank.shape();
    if (shape.length != 3 || shape[0] != train.size() || shape[1] != train.numClasses() || shape[2] < 1) {
      throw new WeightFileException(String.format(Locale.ROOT,
          "%s: expected the memory bank's teacher logits [N_train, classes, teachers] = [%d, %d, >= 1] for this "
              + "training set, got %s", file, train.size(), train.numClasses(), bank.shapeString()));
    }
    float[] values = bank.data();
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new WeightFileException(String.format(Locale.ROOT,
            "%s: holds %s at flat index %d of %d, expected finite teacher logits", file, values[i], i, values.length));
      }
    }
    return bank;
  }
}
