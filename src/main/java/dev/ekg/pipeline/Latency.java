package dev.ekg.pipeline;

import dev.ekg.io.BatchTensors;
import dev.ekg.model.FrozenNetwork;
import dev.ekg.model.Model;
import dev.ekg.nn.BnMode;
import dev.ekg.runtime.SessionOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
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

  /** What one timed pass runs: {@code logits} of {@code session} fed a batch of {@code side}×{@code side} images. */
  public record Target(Session session, Operand<TFloat32> images, Operand<TFloat32> logits, int side) {
    public static Target of(Model model, BnMode mode) {
      return new Target(model.session(), model.images(), model.logits(mode), model.architecture().inputSize());
    }

    /** The network as served ({@code test --export_savedmodel}'s frozen graph), on a session of {@code options}. */
    public static Target of(FrozenNetwork network, SessionOptions options) {
      return new Target(network.session(options), network.images(), network.logits(),
          network.architecture().inputSize());
    }
  }

  /** Times {@code runs} forward passes after {@code warmup} untimed ones (graph optimisation, caches). */
  public static Measurement measure(Model model, BnMode mode, int batchSize, int warmup, int runs) {
    return alternately(List.of(Target.of(model, mode)), batchSize, warmup, runs).get(0);
  }

  /**
   * Times the targets on one batch of zeros as {@link #measure} does, taking turns pass by pass, so
   * that a change of the machine's load falls on every one alike.
   *
   * @return one measurement per target, in order
   */
  public static List<Measurement> alternately(List<Target> targets, int batchSize, int warmup, int runs) {
    if (runs < 1) {
      throw new IllegalArgumentException("--latency_runs must be at least 1, got " + runs);
    }
    int side = targets.get(0).side();
    for (Target target : targets) {
      if (target.side() != side) {
        throw new IllegalArgumentException("networks of different input sizes cannot be timed on one batch");
      }
    }
    float[] zeros = new float[batchSize * side * side * 3];
    long[][] nanos = new long[targets.size()][runs];
    try (BatchTensors tensors = new BatchTensors(side, side, 3)) {
      TFloat32 batch = tensors.fill(zeros, batchSize);
      for (int i = 0; i < warmup + runs; i++) {
        for (int m = 0; m < targets.size(); m++) {
          long start = System.nanoTime();
          Target target = targets.get(m);
          Session.Runner runner = target.session().runner().feed(target.images(), batch).fetch(target.logits());
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
