package dev.ekg.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkSpec;
import dev.ekg.runtime.Cluster;
import dev.ekg.runtime.SessionOptions;
import dev.ekg.train.TrainStep;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Times the training step (forward, backward, Keras momentum update, BN updates) on random data:
 * the Java side of {@code tools/bench/run_train_step_bench.sh}, which runs TensorFlow Python and
 * PyTorch on the same network in the same session and prints the ratios.
 */
@Command(
    name = "bench_train_step",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Times the training step on random data and prints its median, p10 and p90 as one JSON line.")
public final class BenchTrainStepCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Option(names = "--arch", description = "ResNet-<depth> (default: ${DEFAULT-VALUE})")
  String arch = "ResNet-56";

  @Option(names = "--num_classes", description = "classes of the output layer (default: ${DEFAULT-VALUE})")
  int numClasses = 10;

  @Option(names = "--batch_size", description = "images per step (default: ${DEFAULT-VALUE})")
  int batchSize = 128;

  @Option(names = "--accum", description = "gradient-accumulation chunks (default: ${DEFAULT-VALUE})")
  int accum = 1;

  @Option(names = "--warmup", description = "untimed steps first (default: ${DEFAULT-VALUE})")
  int warmup = 5;

  @Option(names = "--steps", description = "timed steps (default: ${DEFAULT-VALUE})")
  int steps = 20;

  @Option(names = "--compile", negatable = true, description = "XLA-compile the step (default: ${DEFAULT-VALUE})")
  boolean compile = false;

  @Option(names = "--intra", description = "intra-op threads, 0 = TensorFlow's choice (default: ${DEFAULT-VALUE})")
  int intra = 0;

  @Option(names = "--inter", description = "inter-op threads, 0 = TensorFlow's choice (default: ${DEFAULT-VALUE})")
  int inter = 0;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the JSON record to FILE")
  Path json;

  @Override
  public Integer call() throws Exception {
    if (steps < 1 || warmup < 0) {
      throw new IllegalArgumentException("--steps must be ≥ 1 and --warmup ≥ 0, got " + steps + " and " + warmup);
    }
    NetworkSpec network = NetworkSpec.parse(arch, numClasses);
    SessionOptions options = new SessionOptions(compile, java.util.List.of(), 1, intra, inter, Cluster.LOCAL);
    int side = network.inputSize();
    SplittableRandom random = new SplittableRandom(1);
    float[] images = new float[batchSize * side * side * 3];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) random.nextGaussian();
    }
    int[] labels = random.ints(batchSize, 0, numClasses).toArray();
    double[] millis = new double[steps];
    try (Model model = Model.create(network.unpruned(), options)) {
      TrainStep step = new TrainStep(model, new TrainStep.Config(5e-4f, batchSize, accum));
      for (int i = 0; i < warmup + steps; i++) {
        long start = System.nanoTime();
        step.run(images, labels, batchSize, 0.01f);
        if (i >= warmup) {
          millis[i - warmup] = (System.nanoTime() - start) / 1e6;
        }
      }
    }
    Arrays.sort(millis);
    ObjectNode record = BenchRecord.create();
    record.put("impl", "ekg-java");
    record.put("arch", network.archName());
    record.put("batch", batchSize);
    record.put("accum", accum);
    record.put("xla", compile);
    record.put("median_ms", percentile(millis, 0.5));
    record.put("p10_ms", percentile(millis, 0.1));
    record.put("p90_ms", percentile(millis, 0.9));
    record.put("images_per_s", batchSize * 1000 / percentile(millis, 0.5));
    record.put("steps", steps);
    record.put("warmup", warmup);
    record.put("intra", intra);
    record.put("inter", inter);
    String line = BenchRecord.line(record);
    PrintWriter out = spec.commandLine().getOut();
    out.println(line);
    out.flush();
    if (json != null) {
      BenchRecord.write(json, record);
    }
    return 0;
  }

  /** Linear interpolation between the closest ranks of sorted values. */
  private static double percentile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }
}
