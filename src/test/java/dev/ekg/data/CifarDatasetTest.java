package dev.ekg.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

class CifarDatasetTest {
  /** Three images whose every byte is its image index plus one. */
  private static CifarDataset threeImages() {
    byte[] images = new byte[3 * 3072];
    for (int i = 0; i < images.length; i++) {
      images[i] = (byte) (i / 3072 + 1);
    }
    return CifarDataset.of(images, new int[] {4, 0, 9}, 10);
  }

  @Test
  void ofCopiesItsInputs() {
    byte[] images = new byte[3072];
    int[] labels = {3};
    CifarDataset ds = CifarDataset.of(images, labels, 10);
    images[0] = 1;
    labels[0] = 5;
    assertEquals(0, ds.images().get(0));
    assertEquals(3, ds.label(0));
    ds.labels()[0] = 7;
    assertEquals(3, ds.label(0));
    assertThrows(ReadOnlyBufferException.class, () -> ds.images().put(0, (byte) 1));
  }

  @Test
  void validation() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> CifarDataset.of(new byte[3071], new int[] {0}, 10));
    assertEquals("1 labels need 3072 image bytes, got 3071", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> CifarDataset.of(new byte[6144], new int[] {0, 10}, 10));
    assertEquals("label 10 of image 1 is outside [0, 10)", e.getMessage());
  }

  @Test
  void gatherFillsTheStartOfReusedBuffers() {
    CifarDataset ds = threeImages();
    byte[] images = new byte[4 * 3072];
    int[] labels = new int[4];
    ds.gather(new int[] {0, 2, 1, 2}, 1, 2, images, labels);
    assertEquals(3, images[0]);
    assertEquals(3, images[3071]);
    assertEquals(2, images[3072]);
    assertEquals(0, images[2 * 3072]);
    assertArrayEquals(new int[] {9, 0, 0, 0}, labels);
    assertThrows(IndexOutOfBoundsException.class, () -> ds.gather(new int[] {3}, 0, 1, images, labels));
  }

  @Test
  void subsetKeepsOrderAndClasses() {
    CifarDataset sub = threeImages().subset(new int[] {2, 2, 0});
    assertEquals(3, sub.size());
    assertEquals(10, sub.numClasses());
    assertArrayEquals(new int[] {9, 9, 4}, sub.labels());
    assertEquals(3, sub.images().get(3072));
    assertEquals(1, sub.images().get(2 * 3072));
    assertTrue(sub.toString().contains("3 images"));
  }

  @Test
  void firstPerClassKeepsTheFirstImagesOfEachClassInDatasetOrder() {
    byte[] images = new byte[6 * 3072];
    for (int i = 0; i < images.length; i++) {
      images[i] = (byte) (i / 3072);
    }
    CifarDataset ds = CifarDataset.of(images, new int[] {1, 0, 1, 1, 0, 0}, 2);
    CifarDataset two = ds.firstPerClass(2);
    assertArrayEquals(new int[] {1, 0, 1, 0}, two.labels());
    assertEquals(0, two.images().get(0));
    assertEquals(1, two.images().get(3072));
    assertEquals(2, two.images().get(2 * 3072));
    assertEquals(4, two.images().get(3 * 3072));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ds.firstPerClass(4));
    assertEquals("class 0 has 3 images, fewer than the 4 asked for", e.getMessage());
  }
}
