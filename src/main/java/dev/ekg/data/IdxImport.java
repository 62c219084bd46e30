package dev.ekg.data;

import dev.ekg.io.AtomicDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Converts an MNIST-style set of IDX files (MNIST, Fashion-MNIST: 28×28 grey images, 10 classes)
 * into the CIFAR-10 binary distribution that {@link CifarReader} reads: each image centred in a
 * 32×32 black frame (2 pixels on every side) and copied into the R, G and B planes, records in the
 * IDX files' order, the training set split into five equal batch files.
 */
public final class IdxImport {
  /** The four files of a set, each read raw or with {@code .gz} appended. */
  public static final List<String> FILES = List.of(
      "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
  /** The class names file written beside the batches, one name per line, as in CIFAR-10's archive. */
  public static final String META_FILE = "batches.meta.txt";

  private static final int SIDE = 28;
  private static final CifarVariant VARIANT = CifarVariant.CIFAR10;

  /** Which class names go into {@link #META_FILE}. */
  public enum ClassNames {
    /** Fashion-MNIST's when the IDX folder's path contains "fashion" (any case), MNIST's otherwise. */
    AUTO("auto"),
    FASHION_MNIST("fashion-mnist", "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
        "Sneaker", "Bag", "Ankle boot"),
    MNIST("mnist", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    /** No {@link #META_FILE}. */
    NONE("none");

    private final String flagValue;
    private final List<String> names;

    ClassNames(String flagValue, String... names) {
      this.flagValue = flagValue;
      this.names = List.of(names);
    }

    /** Parses a flag value: {@code auto}, {@code fashion-mnist}, {@code mnist} or {@code none}. */
    public static ClassNames fromFlag(String value) {
      for (ClassNames c : values()) {
        if (c.flagValue.equals(value)) {
          return c;
        }
      }
      throw new IllegalArgumentException("--class_names is '" + value + "', expected one of "
          + Arrays.stream(values()).map(c -> c.flagValue).collect(Collectors.joining(", ")));
    }

    /** The names written for the set in {@code idxDir}: none for {@link #NONE}. */
    List<String> namesFor(Path idxDir) {
      if (this != AUTO) {
        return names;
      }
      boolean fashion = idxDir.toAbsolutePath().normalize().toString().toLowerCase(Locale.ROOT).contains("fashion");
      return (fashion ? FASHION_MNIST : MNIST).names;
    }
  }

  /**
   * What {@link #run} wrote.
   *
   * @param files the files in the output folder, training batches first
   * @param classNames the names in {@link #META_FILE}; empty when none was written
   */
  public record Summary(int trainImages, int testImages, List<Path> files, List<String> classNames) {
    public Summary {
      files = List.copyOf(files);
      classNames = List.copyOf(classNames);
    }
  }

  private IdxImport() {}

  /**
   * Reads the four IDX files of {@code idxDir} and publishes the CIFAR-10 binary files in {@code out}
   * at once (see {@link AtomicDirectory}): {@code out} must be absent or empty, or with
   * {@code overwrite} is replaced once the new folder is complete, unless it holds {@code idxDir}.
   *
   * @throws DatasetException naming the file with the expected and actual value for a missing,
   *     truncated or malformed IDX file, a count of training images not divisible by five, or
   *     images and labels that disagree
   * @throws IllegalArgumentException when {@code out} is refused
   */
  public static Summary run(Path idxDir, Path out, boolean overwrite, ClassNames classNames) throws IOException {
    if (!Files.isDirectory(idxDir)) {
      throw new DatasetException("--idx_path " + idxDir + (Files.exists(idxDir) ? " is a file" : " does not exist")
          + ", expected a directory with the IDX files " + FILES + " (each raw or .gz)");
    }
    AtomicDirectory.check("--data_path", out, overwrite, Map.of("--idx_path", idxDir));
    CifarSplits splits = new CifarSplits(split(idxDir, "train"), split(idxDir, "t10k"));
    int batches = VARIANT.binary().trainFiles().size();
    if (splits.train().size() % batches != 0) {
      throw new DatasetException(find(idxDir, FILES.get(0)) + ": " + splits.train().size()
          + " training images, expected a multiple of " + batches + " to fill the " + batches
          + " equal batch files " + VARIANT.binary().trainFiles());
    }
    List<String> names = classNames.namesFor(idxDir);
    List<Path> files = AtomicDirectory.write("--data_path", out, overwrite, Map.of("--idx_path", idxDir), dir -> {
      List<Path> written = new ArrayList<>(CifarBinaryWriter.writeSplits(splits, VARIANT, dir).files());
      if (!names.isEmpty()) {
        written.add(Files.write(dir.resolve(META_FILE), names, StandardCharsets.UTF_8));
      }
      return written.stream().map(f -> out.resolve(f.getFileName())).toList();
    });
    return new Summary(splits.train().size(), splits.test().size(), files, names);
  }

  /** One split: {@code prefix} is "train" or "t10k". */
  private static CifarDataset split(Path idxDir, String prefix) throws IOException {
    IdxFile images = IdxFile.read(find(idxDir, prefix + "-images-idx3-ubyte"), 3);
    IdxFile labels = IdxFile.read(find(idxDir, prefix + "-labels-idx1-ubyte"), 1);
    int count = images.dims()[0];
    if (images.dims()[1] != SIDE || images.dims()[2] != SIDE) {
      throw new DatasetException(images.file() + ": images are " + images.dims()[1] + "×" + images.dims()[2]
          + ", expected " + SIDE + "×" + SIDE);
    }
    if (count == 0) {
      throw new DatasetException(images.file() + ": 0 images, expected at least 1");
    }
    if (labels.dims()[0] != count) {
      throw new DatasetException(labels.file() + ": " + labels.dims()[0] + " labels, expected " + count
          + ", one per image of " + images.file());
    }
    int[] classes = new int[count];
    for (int i = 0; i < count; i++) {
      classes[i] = labels.data()[i] & 0xFF;
      if (classes[i] >= VARIANT.numClasses()) {
        throw new DatasetException(labels.file() + ": label " + classes[i] + " of item " + i + ", expected 0.."
            + (VARIANT.numClasses() - 1));
      }
    }
    byte[] hwc = new byte[Math.multiplyExact(count, CifarDataset.IMAGE_BYTES)];
    for (int i = 0; i < count; i++) {
      PixelLayout.centredGreyToHwc(images.data(), i * SIDE * SIDE, SIDE, hwc, i * CifarDataset.IMAGE_BYTES);
    }
    return CifarDataset.wrap(hwc, classes, VARIANT.numClasses());
  }

  /** Whether {@code dir} holds the four {@link #FILES}, each raw or gzip-compressed. */
  public static boolean holdsSet(Path dir) {
    return FILES.stream().allMatch(name -> existing(dir, name) != null);
  }

  /** The file {@code name} in {@code dir}, raw if there, else gzip-compressed. */
  private static Path find(Path dir, String name) throws DatasetException {
    Path file = existing(dir, name);
    if (file == null) {
      throw new DatasetException(dir + ": missing " + name + " (looked for " + name + " and " + name + ".gz)");
    }
    return file;
  }

  private static Path existing(Path dir, String name) {
    for (String candidate : List.of(name, name + ".gz")) {
      Path file = dir.resolve(candidate);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    return null;
  }
}
