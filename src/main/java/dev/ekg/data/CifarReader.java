package dev.ekg.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a CIFAR dataset from a directory holding either public distribution, directly or in the
 * folder its archive unpacks to ({@code cifar-10-batches-bin/}, {@code cifar-100-python/}, ...).
 * The first complete one wins, in this order: binary in the directory, binary in its subfolder,
 * python in the directory, python in its subfolder.
 */
public final class CifarReader {
  @FunctionalInterface
  private interface SplitReader {
    CifarDataset read(List<Path> files, CifarVariant variant) throws IOException;
  }

  private record Distribution(String kind, CifarVariant.FileLayout layout, SplitReader reader) {}

  private CifarReader() {}

  /**
   * Reads the training split (the training files concatenated in order) and the test split.
   *
   * @throws DatasetException if no distribution is complete (the message lists the files looked
   *     for and which are missing, and names the other CIFAR when its files are there), or a file is
   *     malformed
   */
  public static CifarSplits read(Path dir, CifarVariant variant) throws IOException {
    Found found = find(dir, variant, true);
    List<Path> train = found.distribution().layout().trainFiles().stream().map(found.folder()::resolve).toList();
    return new CifarSplits(found.distribution().reader().read(train, variant), test(found, variant));
  }

  /** Reads the test split alone: the training files need not be there. */
  public static CifarDataset readTest(Path dir, CifarVariant variant) throws IOException {
    return test(find(dir, variant, false), variant);
  }

  /** A complete distribution and the folder it lies in. */
  private record Found(Path folder, Distribution distribution) {}

  private static CifarDataset test(Found found, CifarVariant variant) throws IOException {
    Distribution d = found.distribution();
    return d.reader().read(List.of(found.folder().resolve(d.layout().testFile())), variant);
  }

  private static Found find(Path dir, CifarVariant variant, boolean withTrain) throws DatasetException {
    if (!Files.isDirectory(dir)) {
      String expected = ", expected a directory with the " + variant + " files";
      throw new DatasetException("--data_path " + dir
          + (Files.exists(dir) ? " is a file" + expected : " does not exist" + expected + ": " + howToGet(dir, variant)));
    }
    StringBuilder lookedFor = new StringBuilder();
    for (Distribution d : distributions(variant)) {
      List<String> names = names(d.layout(), withTrain);
      for (Path folder : List.of(dir, dir.resolve(d.layout().folder()))) {
        List<String> missing = missing(folder, names);
        if (missing.isEmpty()) {
          return new Found(folder, d);
        }
        lookedFor.append(String.format("%n  %s files %s in %s: missing %s",
            d.kind(), names, folder, missing.size() == names.size() ? "all" : missing));
      }
    }
    throw new DatasetException("no complete " + variant + " dataset under " + dir + otherVariantHint(dir, variant)
        + "; looked for" + lookedFor + String.format("%n  ") + howToGet(dir, variant));
  }

  /** The commands that put a dataset into {@code dir}. */
  private static String howToGet(Path dir, CifarVariant variant) {
    return "`./ekg download --dataset " + variant + " --data_path " + dir + "` fetches it"
        + (variant == CifarVariant.CIFAR10
            ? "; `./ekg import_idx --idx_path IDX_DIR --data_path " + dir + "` makes one from MNIST-style IDX files" : "");
  }

  /** "; it holds CIFAR100 files: pass --dataset CIFAR100" when the other CIFAR is complete there. */
  private static String otherVariantHint(Path dir, CifarVariant variant) {
    for (CifarVariant other : CifarVariant.values()) {
      if (other == variant) {
        continue;
      }
      for (Distribution d : distributions(other)) {
        for (Path folder : List.of(dir, dir.resolve(d.layout().folder()))) {
          if (missing(folder, names(d.layout(), true)).isEmpty()) {
            return ": it holds " + other + " files (" + folder + "), pass --dataset " + other;
          }
        }
      }
    }
    return "";
  }

  private static List<Distribution> distributions(CifarVariant variant) {
    return List.of(
        new Distribution("binary", variant.binary(), CifarBinaryReader::read),
        new Distribution("python", variant.pickle(), CifarPickleReader::read));
  }

  private static List<String> names(CifarVariant.FileLayout layout, boolean withTrain) {
    List<String> names = new ArrayList<>(withTrain ? layout.trainFiles() : List.of());
    names.add(layout.testFile());
    return names;
  }

  private static List<String> missing(Path folder, List<String> names) {
    return names.stream().filter(n -> !Files.isRegularFile(folder.resolve(n))).toList();
  }
}
