package dev.ekg.pipeline;

import dev.ekg.data.CifarDataset;
import dev.ekg.data.Normalization;
import dev.ekg.io.FloatArray;
import dev.ekg.model.LogitsPass;
import dev.ekg.model.Model;
import dev.ekg.nn.BnMode;
import dev.ekg.nn.NonFiniteException;
import dev.ekg.progress.Progress;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.progress.ProgressUnit;

/**
 * Runs a model over a whole split in dataset order, batch by batch, like the reference's
 * {@code test.py} (§7.4): loss, top-1, top-5 and, on request, every logit.
 */
public final class Evaluation {
  /**
   * @param loss mean cross-entropy per image (the reference divides its last partial batch by the
   *     full batch size; see the README's differences table)
   * @param top1 fraction in [0, 1]
   * @param logits [N, classes] in dataset order, or null when not kept
   */
  public record Result(double loss, double top1, double top5, int images, FloatArray logits) {}

  private Evaluation() {}

  /**
   * @param task the name its progress is shown under, e.g. {@code test after epoch 3}
   * @throws NonFiniteException when a logit is NaN or infinite, instead of a NaN loss
   */
  public static Result run(
      Model model, BnMode mode, CifarDataset data, Normalization normalization, int batchSize,
      boolean keepLogits, ProgressReporter progress, String task) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("--val_batch_size must be at least 1, got " + batchSize);
    }
    int n = data.size();
    int classes = model.architecture().numClasses();
    float[] allLogits = keepLogits ? new float[n * classes] : null;
    double[] lossSum = {0};
    long[] hits = {0, 0};
    try (Progress shown = progress.start(task, n, ProgressUnit.IMAGES)) {
      LogitsPass.forEach(model, mode, data, normalization, batchSize, (first, count, logits, labels) -> {
        NonFiniteException.requireFinite(logits, "the logits of images " + first + "–" + (first + count - 1));
        StopRequest.check("during the evaluation (nothing of it is saved)");
        for (int i = 0; i < count; i++) {
          int rank = Classification.rankOfLabel(logits, i * classes, classes, labels[i]);
          hits[0] += rank < 1 ? 1 : 0;
          hits[1] += rank < 5 ? 1 : 0;
          lossSum[0] += Classification.crossEntropy(logits, i * classes, classes, labels[i]);
        }
        if (keepLogits) {
          System.arraycopy(logits, 0, allLogits, first * classes, count * classes);
        }
        shown.advance(count);
      });
    }
    FloatArray kept = keepLogits ? new FloatArray(new int[] {n, classes}, allLogits) : null;
    return new Result(lossSum[0] / n, (double) hits[0] / n, (double) hits[1] / n, n, kept);
  }
}
