package dev.ekg.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Writes images of a dataset as one binary-distribution file, atomically (temp file, then move). */
final class CifarBinaryWriter {
  /** The files a whole dataset was written to, training files first, and their total size. */
  record Written(List<Path> files, long bytes) {
    Written {
      files = List.copyOf(files);
    }
  }

  private CifarBinaryWriter() {}

  /**
   * Writes both splits into {@code dir} in the layout of {@link CifarVariant#binary()}: CIFAR-10's
   * training images spread over its five batch files as evenly as possible, in order.
   */
  static Written writeSplits(CifarSplits splits, CifarVariant variant, Path dir) throws IOException {
    CifarVariant.FileLayout layout = variant.binary();
    List<Path> files = new ArrayList<>();
    long bytes = 0;
    int parts = layout.trainFiles().size();
    int total = splits.train().size();
    int first = 0;
    for (int b = 0; b < parts; b++) {
      int count = total / parts + (b < total % parts ? 1 : 0);
      Path file = dir.resolve(layout.trainFiles().get(b));
      bytes += write(splits.train(), first, count, variant, file);
      files.add(file);
      first += count;
    }
    Path test = dir.resolve(layout.testFile());
    bytes += write(splits.test(), 0, splits.test().size(), variant, test);
    files.add(test);
    return new Written(files, bytes);
  }

  /**
   * Writes images {@code [first, first + count)} of {@code dataset} to {@code file} as
   * {@code variant} records and returns the bytes written. The dataset has no CIFAR-100 coarse
   * labels, so those records get {@code fine / 5} (20 groups of 5, like CIFAR-100's superclasses).
   */
  static long write(CifarDataset dataset, int first, int count, CifarVariant variant, Path file)
      throws IOException {
    Objects.checkFromIndexSize(first, count, dataset.size());
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    byte[] record = new byte[variant.recordBytes()];
    int labelBytes = variant.labelBytes();
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
        for (int i = first; i < first + count; i++) {
          int label = dataset.label(i);
          record[labelBytes - 1] = (byte) label;
          if (labelBytes == 2) {
            record[0] = (byte) (label / 5);
          }
          PixelLayout.hwcToChw(dataset.rawImages(), i * CifarDataset.IMAGE_BYTES, record, labelBytes);
          out.write(record);
        }
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return (long) count * record.length;
  }
}
