package dev.ekg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ekg.data.CifarDataset;
import dev.ekg.data.Normalization;
import dev.ekg.data.ValidationSet;
import dev.ekg.io.FloatArray;
import dev.ekg.io.IntArray;
import dev.ekg.io.NpyFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The oracle's golden fixtures under {@code src/test/resources/golden/} and how tests compare them. */
public final class Goldens {
  public static final Path ROOT = Path.of("src", "test", "resources", "golden");

  /** The reference's pretrained ResNet-56, read from the shared folder beside the project. */
  public static final Path PRETRAINED_RESNET56 =
      Path.of("..", "shared", "reference", "pretrained", "res56_cifar10.pkl");

  private Goldens() {}

  public static FloatArray npy(String relative) {
    try {
      return NpyFile.readFloat(ROOT.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(String relative) {
    try {
      return new ObjectMapper().readTree(ROOT.resolve(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The 64 CIFAR-10 images (normalised) and labels of the importance and search-step goldens, in
   * batches of {@code batchSize}.
   */
  public static ValidationSet searchImages(int batchSize) {
    try {
      IntArray pixels = NpyFile.readInt(ROOT.resolve("search/importance/images_uint8.npy"));
      int[] labels = NpyFile.readInt(ROOT.resolve("search/importance/labels.npy")).data();
      byte[] bytes = new byte[pixels.data().length];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) pixels.data()[i];
      }
      float[] images = new float[bytes.length];
      Normalization.CIFAR10.normalize(bytes, 0, labels.length, images);
      return new ValidationSet(images, labels, CifarDataset.IMAGE_BYTES, batchSize);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path pretrainedResNet56() {
    assertTrue(
        Files.isRegularFile(PRETRAINED_RESNET56),
        "the reference's pretrained ResNet-56 is expected at " + PRETRAINED_RESNET56.toAbsolutePath());
    return PRETRAINED_RESNET56;
  }

  /**
   * Asserts equal shapes and a normwise relative error {@code max|a−e| / max|e|} within
   * {@code tolerance}.
   */
  public static void assertClose(FloatArray expected, FloatArray actual, double tolerance) {
    assertClose(expected, actual, tolerance, 0, "");
  }

  /**
   * Like {@link #assertClose(FloatArray, FloatArray, double)} but passes when {@code max|a−e|} is
   * within {@code absolute}, for arrays whose entries are all close to 0.
   */
  public static void assertClose(
      FloatArray expected, FloatArray actual, double tolerance, double absolute, String label) {
    assertArrayEquals(expected.shape(), actual.shape(), label + " shape");
    double maxDiff = 0;
    double maxRef = 0;
    for (int i = 0; i < expected.size(); i++) {
      maxDiff = Math.max(maxDiff, Math.abs(expected.data()[i] - actual.data()[i]));
      maxRef = Math.max(maxRef, Math.abs(expected.data()[i]));
    }
    double relative = maxDiff / Math.max(maxRef, Float.MIN_NORMAL);
    assertTrue(
        relative <= tolerance || maxDiff <= absolute,
        label + " relative error " + relative + " > " + tolerance + " (max abs diff " + maxDiff + ", max |ref| " + maxRef + ")");
  }
}
