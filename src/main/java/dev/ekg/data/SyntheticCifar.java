package dev.ekg.data;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A deterministic, learnable stand-in for CIFAR: every class has its own stripe orientation,
 * frequency and colours (see {@link SyntheticPainter}), blurred by random shifts, flips, contrast,
 * distractors and noise. The same parameters give the same bytes on every run and JVM. Written in
 * the real binary format, so {@link CifarReader} reads it like the real dataset.
 */
public final class SyntheticCifar {
  /** Default per-pixel noise standard deviation, on the 0–255 scale. */
  public static final double DEFAULT_NOISE = 40;

  /**
   * What {@link #write} produced.
   *
   * @param variant the dataset written
   * @param trainImages images in the training files
   * @param testImages images in the test file
   * @param files the files written, training files first
   * @param bytes their total size
   */
  public record Summary(CifarVariant variant, int trainImages, int testImages, List<Path> files, long bytes) {
    public Summary {
      files = List.copyOf(files);
    }
  }

  private final CifarVariant variant;
  private final int trainPerClass;
  private final int testPerClass;
  private final long seed;
  private final double noise;

  /**
   * @param variant CIFAR-10 or CIFAR-100: the number of classes and the file layout
   * @param trainPerClass training images per class, at least 1
   * @param testPerClass test images per class, at least 1
   * @param seed the seed every byte derives from
   * @param noise per-pixel noise standard deviation on the 0–255 scale, at least 0
   */
  public SyntheticCifar(CifarVariant variant, int trainPerClass, int testPerClass, long seed, double noise) {
    int maxPerClass = Integer.MAX_VALUE / CifarDataset.IMAGE_BYTES / variant.numClasses();
    if (trainPerClass < 1 || trainPerClass > maxPerClass || testPerClass < 1 || testPerClass > maxPerClass) {
      throw new IllegalArgumentException(
          "images per class must be in [1, " + maxPerClass + "] for " + variant + ", got train "
              + trainPerClass + ", test " + testPerClass);
    }
    if (!(noise >= 0) || Double.isInfinite(noise)) {
      throw new IllegalArgumentException("noise must be finite and >= 0, got " + noise);
    }
    this.variant = variant;
    this.trainPerClass = trainPerClass;
    this.testPerClass = testPerClass;
    this.seed = seed;
    this.noise = noise;
  }

  /** Generates both splits in memory; labels are balanced and in a seeded random order. */
  public CifarSplits generate() {
    SplitMix64 rng = new SplitMix64(seed);
    SplitMix64 trainRng = rng.split();
    SplitMix64 testRng = rng.split();
    SyntheticPainter painter = new SyntheticPainter(variant.numClasses(), noise);
    return new CifarSplits(split(trainPerClass, trainRng, painter), split(testPerClass, testRng, painter));
  }

  private CifarDataset split(int perClass, SplitMix64 rng, SyntheticPainter painter) {
    int classes = variant.numClasses();
    int[] labels = new int[perClass * classes];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % classes;
    }
    for (int i = labels.length - 1; i > 0; i--) { // Fisher–Yates
      int j = rng.nextInt(i + 1);
      int t = labels[i];
      labels[i] = labels[j];
      labels[j] = t;
    }
    byte[] images = new byte[labels.length * CifarDataset.IMAGE_BYTES];
    for (int i = 0; i < labels.length; i++) {
      // one sub-stream per image: its pixels do not depend on how many draws earlier images used
      painter.paint(labels[i], rng.split(), images, i * CifarDataset.IMAGE_BYTES);
    }
    return CifarDataset.wrap(images, labels, classes);
  }

  /**
   * Generates the dataset and writes it into {@code dir} (created if missing) in the binary layout
   * of {@link CifarVariant#binary()} (see {@link CifarBinaryWriter#writeSplits}). Each file is written
   * atomically.
   *
   * @throws DirectoryNotEmptyException if {@code dir} has entries and {@code overwrite} is false
   */
  public Summary write(Path dir, boolean overwrite) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new NotDirectoryException(dir.toString());
    }
    if (!overwrite && Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new DirectoryNotEmptyException(dir.toString());
        }
      }
    }
    Files.createDirectories(dir);
    CifarSplits splits = generate();
    CifarBinaryWriter.Written written = CifarBinaryWriter.writeSplits(splits, variant, dir);
    return new Summary(variant, splits.train().size(), splits.test().size(), written.files(), written.bytes());
  }
}
