package dev.ekg.data;

/**
 * Converts one image between the files' planar order (CHW: 1024 R, then 1024 G, then 1024 B bytes)
 * and the datasets' interleaved order (HWC: R, G, B per pixel, rows top to bottom).
 */
final class PixelLayout {
  static final int PIXELS = CifarDataset.HEIGHT * CifarDataset.WIDTH;

  private PixelLayout() {}

  static void chwToHwc(byte[] src, int srcOffset, byte[] dst, int dstOffset) {
    for (int c = 0; c < CifarDataset.CHANNELS; c++) {
      int plane = srcOffset + c * PIXELS;
      for (int p = 0; p < PIXELS; p++) {
        dst[dstOffset + p * CifarDataset.CHANNELS + c] = src[plane + p];
      }
    }
  }

  static void hwcToChw(byte[] src, int srcOffset, byte[] dst, int dstOffset) {
    for (int c = 0; c < CifarDataset.CHANNELS; c++) {
      int plane = dstOffset + c * PIXELS;
      for (int p = 0; p < PIXELS; p++) {
        dst[plane + p] = src[srcOffset + p * CifarDataset.CHANNELS + c];
      }
    }
  }

  /**
   * Copies a {@code side × side} grey image into the centre of a zeroed HWC image, the same value in
   * each of its three channels: with {@code side} 28, a 2-pixel black border on every side.
   */
  static void centredGreyToHwc(byte[] src, int srcOffset, int side, byte[] dst, int dstOffset) {
    int border = (CifarDataset.HEIGHT - side) / 2;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        byte grey = src[srcOffset + y * side + x];
        int pixel = dstOffset + ((y + border) * CifarDataset.WIDTH + x + border) * CifarDataset.CHANNELS;
        for (int c = 0; c < CifarDataset.CHANNELS; c++) {
          dst[pixel + c] = grey;
        }
      }
    }
  }
}
