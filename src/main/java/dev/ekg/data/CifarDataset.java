package dev.ekg.data;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One immutable CIFAR split in memory: {@code N} uint8 images in HWC order ({@code [N,32,32,3]}, RGB,
 * C order) and their labels in {@code [0, numClasses)}.
 */
public final class CifarDataset {
  public static final int HEIGHT = 32;
  public static final int WIDTH = 32;
  public static final int CHANNELS = 3;
  /** Bytes of one image: 32 × 32 × 3. */
  public static final int IMAGE_BYTES = HEIGHT * WIDTH * CHANNELS;

  private final byte[] images;
  private final int[] labels;
  private final int numClasses;

  private CifarDataset(byte[] images, int[] labels, int numClasses) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
    }
    if (images.length != (long) labels.length * IMAGE_BYTES) {
      throw new IllegalArgumentException(
          labels.length + " labels need " + (long) labels.length * IMAGE_BYTES
              + " image bytes, got " + images.length);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of image " + i + " is outside [0, " + numClasses + ")");
      }
    }
    this.images = images;
    this.labels = labels;
    this.numClasses = numClasses;
  }

  /**
   * A dataset holding copies of {@code images} (HWC uint8, {@code labels.length} × 3072 bytes) and
   * {@code labels}.
   *
   * @throws IllegalArgumentException if the lengths disagree or a label is out of range
   */
  public static CifarDataset of(byte[] images, int[] labels, int numClasses) {
    return new CifarDataset(images.clone(), labels.clone(), numClasses);
  }

  /** Like {@link #of} but takes over the arrays, which the caller must not touch afterwards. */
  static CifarDataset wrap(byte[] images, int[] labels, int numClasses) {
    return new CifarDataset(images, labels, numClasses);
  }

  /** Number of images. */
  public int size() {
    return labels.length;
  }

  public int numClasses() {
    return numClasses;
  }

  public int label(int index) {
    return labels[Objects.checkIndex(index, labels.length)];
  }

  /** All labels, copied. */
  public int[] labels() {
    return labels.clone();
  }

  /** All images as a read-only view: {@code size() × 3072} bytes, HWC per image. */
  public ByteBuffer images() {
    return ByteBuffer.wrap(images).asReadOnlyBuffer();
  }

  /** The backing image bytes, for readers and writers in this package; never modified. */
  byte[] rawImages() {
    return images;
  }

  /**
   * Copies the images and labels of {@code indices[from .. from+count)} to the start of
   * {@code imagesOut} and {@code labelsOut}: the allocation-free way to assemble a batch.
   */
  public void gather(int[] indices, int from, int count, byte[] imagesOut, int[] labelsOut) {
    Objects.checkFromIndexSize(from, count, indices.length);
    Objects.checkFromIndexSize(0, count * IMAGE_BYTES, imagesOut.length);
    Objects.checkFromIndexSize(0, count, labelsOut.length);
    for (int k = 0; k < count; k++) {
      int index = Objects.checkIndex(indices[from + k], labels.length);
      System.arraycopy(images, index * IMAGE_BYTES, imagesOut, k * IMAGE_BYTES, IMAGE_BYTES);
      labelsOut[k] = labels[index];
    }
  }

  /** A new dataset of the images at {@code indices}, in that order (repeats allowed). */
  public CifarDataset subset(int[] indices) {
    byte[] subImages = new byte[Math.multiplyExact(indices.length, IMAGE_BYTES)];
    int[] subLabels = new int[indices.length];
    gather(indices, 0, indices.length, subImages, subLabels);
    return new CifarDataset(subImages, subLabels, numClasses);
  }

  /**
   * The first {@code perClass} images of each class, in dataset order.
   *
   * @throws IllegalArgumentException naming the class when it holds fewer images
   */
  public CifarDataset firstPerClass(int perClass) {
    if (perClass < 1) {
      throw new IllegalArgumentException("perClass must be positive, got " + perClass);
    }
    int[] taken = new int[numClasses];
    int[] indices = new int[Math.multiplyExact(perClass, numClasses)];
    int n = 0;
    for (int i = 0; i < labels.length && n < indices.length; i++) {
      if (taken[labels[i]] < perClass) {
        taken[labels[i]]++;
        indices[n++] = i;
      }
    }
    for (int c = 0; c < numClasses; c++) {
      if (taken[c] < perClass) {
        throw new IllegalArgumentException(
            "class " + c + " has " + taken[c] + " images, fewer than the " + perClass + " asked for");
      }
    }
    return subset(indices);
  }

  @Override
  public String toString() {
    return "CifarDataset[" + size() + " images, " + numClasses + " classes]";
  }
}
