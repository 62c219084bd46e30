package dev.ekg.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Small MNIST-style IDX sets written by the tests themselves. */
public final class IdxFixtures {
  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  private IdxFixtures() {}

  /** The grey value of pixel (y, x) of image {@code i} of a split ({@code split} 0 train, 1 test): never 0. */
  public static int pixel(int split, int i, int y, int x) {
    return 1 + (split * 101 + i * 31 + y * 7 + x * 3) % 255;
  }

  /** The label of image {@code i} of a split. */
  public static int label(int split, int i) {
    return (i * 3 + split) % 10;
  }

  /** Writes {@code train} training and {@code test} test images (28×28) into {@code dir}, gzipped or raw. */
  public static Path write(Path dir, int train, int test, boolean gzip) {
    try {
      Files.createDirectories(dir);
      put(dir, TRAIN_IMAGES, images(0, train, 28, 28), gzip);
      put(dir, TRAIN_LABELS, labels(0, train), gzip);
      put(dir, TEST_IMAGES, images(1, test, 28, 28), gzip);
      put(dir, TEST_LABELS, labels(1, test), gzip);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An images file: magic 0x803, then count, height, width, then the pixels of {@link #pixel}. */
  public static byte[] images(int split, int count, int height, int width) {
    ByteBuffer b = ByteBuffer.allocate(16 + count * height * width).putInt(0x803).putInt(count).putInt(height).putInt(width);
    for (int i = 0; i < count; i++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          b.put((byte) pixel(split, i, y, x));
        }
      }
    }
    return b.array();
  }

  /** A labels file: magic 0x801, then count, then the labels of {@link #label}. */
  public static byte[] labels(int split, int count) {
    ByteBuffer b = ByteBuffer.allocate(8 + count).putInt(0x801).putInt(count);
    for (int i = 0; i < count; i++) {
      b.put((byte) label(split, i));
    }
    return b.array();
  }

  /** Writes {@code name} (gzipped as {@code name.gz}) and returns its path. */
  public static Path put(Path dir, String name, byte[] content, boolean gzip) throws IOException {
    return gzip ? Files.write(dir.resolve(name + ".gz"), gzip(content)) : Files.write(dir.resolve(name), content);
  }

  public static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(content);
    }
    return bytes.toByteArray();
  }
}
