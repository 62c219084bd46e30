package dev.ekg.data;

import java.util.Objects;

/**
 * The search's validation subset (reference §2, §6.3): normalised images in a fixed order, their
 * labels, and the batching the reference uses (batches of {@code batchSize}, the last one shorter;
 * every batch's sums divided by {@code batchSize}, the {@code --search_batch_size} flag).
 */
public record ValidationSet(float[] images, int[] labels, int imageSize, int batchSize) {
  public ValidationSet {
    Objects.requireNonNull(images, "images");
    if (images.length != (long) labels.length * imageSize) {
      throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * imageSize
          + " image values, got " + images.length);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--search_batch_size must be at least 1, got " + batchSize);
    }
  }

  public int size() {
    return labels.length;
  }

  public int batches() {
    return (size() + batchSize - 1) / batchSize;
  }

  public int batchStart(int batch) {
    return batch * batchSize;
  }

  public int batchLength(int batch) {
    return Math.min(batchSize, size() - batch * batchSize);
  }
}
