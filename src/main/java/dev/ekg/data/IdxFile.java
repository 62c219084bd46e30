package dev.ekg.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One IDX file of unsigned bytes, the format of MNIST and Fashion-MNIST: the big-endian magic
 * number {@code 0x000008NN} (type 8 = unsigned byte, NN dimensions), each dimension's size as a
 * big-endian int32, then the data in C order. A name ending in {@code .gz} is read through gzip.
 *
 * @param file the file read
 * @param dims the dimension sizes, the item count first
 * @param data the {@code dims[0] × dims[1] × …} data bytes
 */
record IdxFile(Path file, int[] dims, byte[] data) {
  private static final int UNSIGNED_BYTE = 0x08;

  /**
   * Reads a whole file of {@code dimensions} dimensions.
   *
   * @throws DatasetException naming the file with the expected and actual value: another magic
   *     number, a negative size, fewer or more bytes than the header announces, a gzip stream that
   *     is corrupt or ends early
   */
  static IdxFile read(Path file, int dimensions) throws IOException {
    int magic = UNSIGNED_BYTE << 8 | dimensions;
    try (InputStream in = open(file)) {
      ByteBuffer header = ByteBuffer.allocate(Integer.BYTES * (1 + dimensions));
      Filled got = fill(in, header.array());
      if (got.bytes() >= Integer.BYTES && header.getInt(0) != magic) {
        throw new DatasetException(String.format("%s: expected IDX magic number 0x%08X (unsigned bytes, %d dimensions), got 0x%08X",
            file, magic, dimensions, header.getInt(0)));
      }
      if (got.bytes() < header.capacity()) {
        throw new DatasetException(file + ": truncated: expected a " + header.capacity() + "-byte IDX header ("
            + dimensions + " dimensions), got " + got.bytes() + " bytes" + got.gzipEnd());
      }
      int[] dims = new int[dimensions];
      long size = 1;
      for (int d = 0; d < dimensions; d++) {
        dims[d] = header.getInt(Integer.BYTES * (1 + d));
        if (dims[d] < 0) {
          throw new DatasetException(file + ": dimension " + d + " has size " + dims[d] + ", expected >= 0");
        }
        size *= dims[d];
        if (size > Integer.MAX_VALUE - 8) {
          throw new DatasetException(file + ": the header announces " + shape(dims) + " bytes, more than one Java array holds");
        }
      }
      byte[] data = new byte[(int) size];
      Filled read = fill(in, data);
      if (read.bytes() < size) {
        throw new DatasetException(file + ": truncated: expected " + size + " data bytes after the header ("
            + shape(dims) + "), got " + read.bytes() + read.gzipEnd());
      }
      long extra = in.transferTo(OutputStream.nullOutputStream());
      if (extra > 0) {
        throw new DatasetException(file + ": expected " + size + " data bytes after the header (" + shape(dims)
            + "), got " + (size + extra));
      }
      return new IdxFile(file, dims, data);
    } catch (EOFException e) {
      throw new DatasetException(file + ": truncated: the gzip stream ends early (" + e.getMessage() + ")", e);
    } catch (ZipException e) {
      throw new DatasetException(file + ": not a valid gzip file (" + e.getMessage() + ")", e);
    }
  }

  /** The dimension sizes joined by {@code ×}, e.g. {@code 60000×28×28}. */
  static String shape(int[] dims) {
    return Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining("×"));
  }

  private static InputStream open(Path file) throws IOException {
    InputStream raw = Files.newInputStream(file);
    try {
      return new BufferedInputStream(
          file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** How many bytes {@link #fill} read, and whether a gzip stream broke off before the end. */
  private record Filled(int bytes, boolean gzipEndedEarly) {
    String gzipEnd() {
      return gzipEndedEarly ? " before the gzip stream ended early" : "";
    }
  }

  /** Reads until {@code buffer} is full or the stream ends. */
  private static Filled fill(InputStream in, byte[] buffer) throws IOException {
    int n = 0;
    try {
      for (int r; n < buffer.length && (r = in.read(buffer, n, buffer.length - n)) >= 0; ) {
        n += r;
      }
    } catch (EOFException e) { // GZIPInputStream's way of saying the compressed data ran out
      return new Filled(n, true);
    }
    return new Filled(n, false);
  }
}
