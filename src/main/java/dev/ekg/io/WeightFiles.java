package dev.ekg.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Weights in either of the tool's formats, keyed like the reference's {@code .pkl} files
 * ({@code conv/kernel:0}): a pickle file, or a TensorFlow checkpoint prefix whose keys are the same
 * names without {@code :0}.
 */
public final class WeightFiles {
  /** Checkpoint keys under this prefix are optimizer state (momentum slots), not weights. */
  public static final String OPTIMIZER_STATE_PREFIX = "momentum/";

  private static final String PICKLE_SUFFIX = ":0";
  private static final String INDEX_SUFFIX = ".index";

  private WeightFiles() {}

  /**
   * Reads {@code path}: a checkpoint when {@code path.index} exists (or {@code path} is the
   * {@code .index} file itself), otherwise a pickle file. A training checkpoint's optimizer state is
   * left out.
   *
   * @throws WeightFileException also when a weight is NaN or infinite or a moving variance is
   *     negative: such a network computes NaN, and a NaN loss would read as a result
   */
  public static LinkedHashMap<String, FloatArray> read(Path path) throws IOException {
    LinkedHashMap<String, FloatArray> weights = readUnchecked(path);
    for (Map.Entry<String, FloatArray> e : weights.entrySet()) {
      requireUsable(path, e.getKey(), e.getValue());
    }
    return weights;
  }

  private static void requireUsable(Path path, String key, FloatArray array) throws WeightFileException {
    float[] values = array.data();
    boolean variance = key.endsWith("moving_variance" + PICKLE_SUFFIX);
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i]) || variance && values[i] < 0) {
        throw new WeightFileException(String.format(Locale.ROOT,
            "%s: %s%s holds %s at flat index %d of %d, expected %s", path, key, array.shapeString(), values[i], i,
            values.length, variance ? "finite variances >= 0" : "finite weights"));
      }
    }
  }

  private static LinkedHashMap<String, FloatArray> readUnchecked(Path path) throws IOException {
    Path prefix = checkpointPrefix(path);
    if (prefix != null) {
      LinkedHashMap<String, FloatArray> out = new LinkedHashMap<>();
      Checkpoints.read(prefix).forEach((k, v) -> {
        if (!k.startsWith(OPTIMIZER_STATE_PREFIX)) {
          out.put(k + PICKLE_SUFFIX, v);
        }
      });
      return out;
    }
    if (Files.isDirectory(path)) {
      throw new WeightFileException(path + " is a directory: pass a .pkl file or a checkpoint prefix in it"
          + pickleFilesIn(path));
    }
    if (!Files.isRegularFile(path)) {
      throw new WeightFileException(
          path + ": no such weight file (expected a .pkl file or a checkpoint prefix with "
              + path.getFileName() + INDEX_SUFFIX + ")");
    }
    return PickleWeights.read(path);
  }

  /** Writes {@code weights} (pickle keys) as a checkpoint whose keys drop the {@code :0}. */
  public static void writeCheckpoint(Path prefix, Map<String, FloatArray> weights) throws IOException {
    LinkedHashMap<String, FloatArray> byName = new LinkedHashMap<>();
    weights.forEach((k, v) -> byName.put(stripSuffix(k), v));
    Checkpoints.write(prefix, byName);
  }

  private static String stripSuffix(String key) {
    return key.endsWith(PICKLE_SUFFIX) ? key.substring(0, key.length() - PICKLE_SUFFIX.length()) : key;
  }

  /** ", e.g. DIR/a.pkl or DIR/b.pkl" for the .pkl files directly in {@code dir}, or "". */
  private static String pickleFilesIn(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      List<String> pickles = entries.filter(p -> p.getFileName().toString().endsWith(".pkl") && Files.isRegularFile(p))
          .map(Path::toString).sorted().toList();
      return pickles.isEmpty() ? "" : ", e.g. " + String.join(" or ", pickles);
    }
  }

  private static Path checkpointPrefix(Path path) {
    String name = path.getFileName().toString();
    if (name.endsWith(INDEX_SUFFIX) && Files.isRegularFile(path)) {
      return path.resolveSibling(name.substring(0, name.length() - INDEX_SUFFIX.length()));
    }
    return Checkpoints.exists(path) ? path : null;
  }
}
