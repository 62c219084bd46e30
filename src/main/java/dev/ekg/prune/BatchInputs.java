package dev.ekg.prune;

import dev.ekg.data.ValidationSet;
import dev.ekg.io.TensorArrays;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A validation set's batches as tensors, with the ensemble knowledge of one search step: made once
 * and fed, read-only, by every run of the step (several at a time, from several threads).
 */
final class BatchInputs implements AutoCloseable {
  /** One batch's tensors. */
  record Batch(TFloat32 images, TInt32 labels, TFloat32 knowledge) {}

  private final List<Batch> batches = new ArrayList<>();

  /**
   * @param exampleShape the shape of one image, e.g. {@code [32, 32, 3]}
   * @param knowledgeRows the ensemble knowledge, {@code [N, classes]} row-aligned with the set
   */
  BatchInputs(ValidationSet set, float[] knowledgeRows, int classes, int[] exampleShape) {
    try {
      for (int b = 0; b < set.batches(); b++) {
        int start = set.batchStart(b);
        int n = set.batchLength(b);
        batches.add(new Batch(TensorArrays.examples(set.images(), start, n, exampleShape),
            TInt32.vectorOf(Arrays.copyOfRange(set.labels(), start, start + n)),
            TensorArrays.rows(knowledgeRows, classes, start, n)));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  Batch batch(int index) {
    return batches.get(index);
  }

  @Override
  public void close() {
    for (Batch b : batches) {
      b.images().close();
      b.labels().close();
      b.knowledge().close();
    }
    batches.clear();
  }
}
