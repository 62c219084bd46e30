package dev.ekg.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** Checks that a file is a PNG that ImageIO decodes, of a given size and with more than a blank canvas in it. */
public final class PngFiles {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private PngFiles() {}

  public static BufferedImage assertPng(Path file, int width, int height) throws IOException {
    assertTrue(Files.isRegularFile(file), file + " is missing");
    byte[] bytes = Files.readAllBytes(file);
    assertArrayEquals(SIGNATURE, Arrays.copyOf(bytes, SIGNATURE.length), file + ": PNG signature");
    assertTrue(bytes.length > 8_000, file + ": " + bytes.length + " bytes, too few for a chart with text and data");
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image, file + ": ImageIO cannot decode it");
    assertEquals(width, image.getWidth(), file + ": width");
    assertEquals(height, image.getHeight(), file + ": height");
    return image;
  }
}
