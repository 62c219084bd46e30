package dev.ekg.model;

import dev.ekg.data.CifarDataset;
import dev.ekg.data.Normalization;
import dev.ekg.data.SequentialBatches;
import dev.ekg.io.TensorArrays;
import dev.ekg.nn.BnMode;
import dev.ekg.runtime.InOrderRuns;
import java.util.Arrays;
import org.tensorflow.types.TFloat32;

/**
 * A model's logits on a split in dataset order, batch by batch ({@link SequentialBatches}), several
 * batches running at a time: the batches are independent (BN on each batch's own statistics, or on
 * the moving ones), so the logits are those of one batch after the other, bit for bit.
 */
public final class LogitsPass {
  /** Receives one batch's logits {@code [count, classes]}, in dataset order, on the calling thread. */
  @FunctionalInterface
  public interface Consumer {
    void accept(int first, int count, float[] logits, int[] labels);
  }

  private record BatchLogits(int first, int count, float[] logits, int[] labels) {}

  private LogitsPass() {}

  /** {@link #forEach(Model, BnMode, CifarDataset, Normalization, int, int, Consumer)} with {@link InOrderRuns#IN_FLIGHT} batches at a time. */
  public static void forEach(
      Model model, BnMode mode, CifarDataset data, Normalization normalization, int batchSize, Consumer consumer) {
    forEach(model, mode, data, normalization, batchSize, InOrderRuns.IN_FLIGHT, consumer);
  }

  /** @param inFlight batches running at a time (1: one after the other, on the calling thread) */
  public static void forEach(Model model, BnMode mode, CifarDataset data, Normalization normalization, int batchSize,
      int inFlight, Consumer consumer) {
    try (InOrderRuns<BatchLogits> runs = new InOrderRuns<>(inFlight, "logits",
        done -> consumer.accept(done.first(), done.count(), done.logits(), done.labels()))) {
      SequentialBatches.forEach(data, normalization, batchSize, (first, count, images, labels) -> {
        TFloat32 batch = TensorArrays.examples(images, 0, count, model.exampleShape());
        int[] batchLabels = Arrays.copyOf(labels, count);
        try {
          runs.submit(() -> {
            try (batch) {
              return new BatchLogits(first, count, model.logits(batch, mode).data(), batchLabels);
            }
          });
        } catch (RuntimeException e) {
          batch.close(); // not started: an earlier batch or the consumer failed first
          throw e;
        }
      });
      runs.finish();
    }
  }
}
