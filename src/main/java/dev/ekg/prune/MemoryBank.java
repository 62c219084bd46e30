package dev.ekg.prune;

import dev.ekg.data.CifarDataset;
import dev.ekg.data.Normalization;
import dev.ekg.data.SequentialBatches;
import dev.ekg.io.BatchTensors;
import dev.ekg.io.FloatArray;
import dev.ekg.model.Model;
import dev.ekg.nn.BnMode;
import dev.ekg.nn.NonFiniteException;
import dev.ekg.progress.Progress;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.progress.ProgressUnit;
import java.util.Arrays;
import java.util.List;

/**
 * The memory bank of reference §6.7: the logits of every teacher sub-network on the whole training
 * set, un-augmented, in dataset order, BN on batch statistics of {@code batchSize}-image batches
 * without moving-average updates, stored as {@code [N, classes, teachers]} (teacher 0 the best).
 */
public final class MemoryBank {
  private MemoryBank() {}

  /**
   * One teacher's logits {@code [N, classes]} on {@code train} in dataset order.
   *
   * @param model the gated model holding the (warmed-up) weights; its masks are set to {@code masks}
   * @param task the name its progress is shown under
   */
  public static FloatArray teacherLogits(
      Model model, CifarDataset train, Normalization normalization, int batchSize, float[][] masks,
      ProgressReporter progress, String task) {
    int classes = model.numClasses();
    float[] logits = new float[train.size() * classes];
    model.setMasks(masks);
    try (BatchTensors tensors = new BatchTensors(model.exampleShape());
        Progress shown = progress.start(task, train.size(), ProgressUnit.IMAGES)) {
      SequentialBatches.forEach(train, normalization, batchSize, (first, size, images, labels) -> {
        float[] z = model.logits(tensors.fill(images, size), BnMode.TRAIN).data();
        NonFiniteException.requireFinite(z, "memory bank: the teacher's logits of training images " + first + "–"
            + (first + size - 1));
        System.arraycopy(z, 0, logits, first * classes, size * classes);
        shown.advance(size);
      });
    }
    return new FloatArray(new int[] {train.size(), classes}, logits);
  }

  /** The bank {@code [N, classes, teachers]} from each teacher's {@code [N, classes]} logits, in order. */
  public static FloatArray stack(List<FloatArray> teachers) {
    int[] shape = teachers.get(0).shape();
    int rows = shape[0] * shape[1];
    int count = teachers.size();
    float[] bank = new float[rows * count];
    for (int t = 0; t < count; t++) {
      if (!Arrays.equals(teachers.get(t).shape(), shape)) {
        throw new IllegalArgumentException("teacher " + t + " has logits " + teachers.get(t).shapeString()
            + ", teacher 0 " + Arrays.toString(shape));
      }
      float[] logits = teachers.get(t).data();
      for (int r = 0; r < rows; r++) {
        bank[r * count + t] = logits[r];
      }
    }
    return new FloatArray(new int[] {shape[0], shape[1], count}, bank);
  }
}
