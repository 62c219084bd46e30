package dev.ekg.pipeline;

import dev.ekg.io.BatchTensors;
import dev.ekg.model.Model;
import dev.ekg.nn.BnMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/** Inference latency of a model: the median wall time of repeated forward passes on one batch. */
public final class Latency {
  /** @param medianMillis median milliseconds per batch of {@code batchSize} images */
  public record Measurement(double medianMillis, int batchSize, int runs) {
    public double imagesPerSecond() {
      return batchSize * 1000.0 / medianMillis;
    }
  }

  /** Timed passes: {@code test}'s default and {@code train_cifar}'s summary. */
  public static final int DEFAULT_RUNS = 20;
  /** Untimed passes before them. */
  public static final int WARMUP_RUNS = 3;

  private Latency() {}

  /** Times {@code runs} forward passes after {@code warmup} untimed ones (graph optimisation, caches). */
  public static Measurement measure(Model model, BnMode mode, int batchSize, int warmup, int runs) {
    return alternately(List.of(model), mode, batchSize, warmup, runs).get(0);
  }

  /**
   * Times the models on one batch of zeros as {@link #measure} does, taking turns pass by pass, so
   * that a change of the machine's load falls on every model alike.
   *
   * @return one measurement per model, in order
   */
  public static List<Measurement> alternately(
      List<Model> models, BnMode mode, int batchSize, int warmup, int runs) {
    if (runs < 1) {
      throw new IllegalArgumentException("--latency_runs must be at least 1, got " + runs);
    }
    int side = models.get(0).architecture().inputSize();
    for (Model model : models) {
      if (model.architecture().inputSize() != side) {
        throw new IllegalArgumentException("models of different input sizes cannot be timed on one batch");
      }
    }
    float[] zeros = new float[batchSize * side * side * 3];
    long[][] nanos = new long[models.size()][runs];
    try (BatchTensors tensors = new BatchTensors(side, side, 3)) {
      TFloat32 batch = tensors.fill(zeros, batchSize);
      for (int i = 0; i < warmup + runs; i++) {
        for (int m = 0; m < models.size(); m++) {
          long start = System.nanoTime();
          Model model = models.get(m);
          Session.Runner runner = model.session().runner().feed(model.images(), batch).fetch(model.logits(mode));
          try (Result ignored = runner.run()) {
            if (i >= warmup) {
              nanos[m][i - warmup] = System.nanoTime() - start;
            }
          }
        }
      }
    }
    List<Measurement> measurements = new ArrayList<>();
    for (long[] n : nanos) {
      Arrays.sort(n);
      double median = runs % 2 == 1 ? n[runs / 2] : (n[runs / 2 - 1] + n[runs / 2]) / 2.0;
      measurements.add(new Measurement(median / 1e6, batchSize, runs));
    }
    return measurements;
  }
}
