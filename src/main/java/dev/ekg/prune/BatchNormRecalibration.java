package dev.ekg.prune;

import dev.ekg.data.CifarDataset;
import dev.ekg.data.Normalization;
import dev.ekg.data.SequentialBatches;
import dev.ekg.io.BatchTensors;
import dev.ekg.model.Model;
import dev.ekg.progress.Progress;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.progress.ProgressUnit;
import java.util.stream.IntStream;

/**
 * Re-estimates a freshly pruned network's BN moving statistics, which still describe the unpruned
 * network: moving-average updates (momentum 0.9) from the first batches of the training set in
 * dataset order. The reference ran these updates on test batches (§6.6, §10.1 item 5), a leak; the
 * update count is the same (39 batches of 256 leave about 2 % of the old statistics).
 */
public final class BatchNormRecalibration {
  public static final int REFERENCE_BATCHES = 39;

  private BatchNormRecalibration() {}

  public static void run(Model model, CifarDataset train, Normalization normalization, int batchSize,
      int batches, ProgressReporter progress) {
    CifarDataset head = train.subset(IntStream.range(0,
        Math.min(train.size(), batches * batchSize)).toArray());
    try (BatchTensors tensors = new BatchTensors(model.exampleShape());
        Progress shown = progress.start("BN re-estimation", (head.size() + batchSize - 1) / batchSize,
            ProgressUnit.BATCHES)) {
      SequentialBatches.forEach(head, normalization, batchSize, (first, count, images, labels) -> {
        model.updateBatchNormStatistics(tensors.fill(images, count));
        shown.advance(1);
      });
    }
  }
}
