package dev.ekg.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ekg.io.WeightFiles;
import dev.ekg.model.FrozenNetwork;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkSpec;
import dev.ekg.nn.BnMode;
import dev.ekg.pipeline.Latency;
import dev.ekg.runtime.Accelerators;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tensorflow.TensorFlow;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Times networks' inference (moving BN statistics; with {@code --folded} as served) pass by pass in turn, at several
 * batch sizes, and prints each one's latency and FLOPs as ratios to the first network's.
 */
@Command(
    name = "bench_latency",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Times the inference latency of several networks of one architecture family, taking turns pass by pass, "
          + "and prints each one's FLOPs and latency as ratios to the first (the unpruned network, say)."
    })
public final class BenchLatencyCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin private DeviceOptions device = new DeviceOptions();

  @Option(names = "--arch", description = "the networks' family, as train_cifar's --arch (default: ${DEFAULT-VALUE})")
  String arch = "ResNet-56";

  @Option(names = "--num_classes", description = "classes of the output layer (default: ${DEFAULT-VALUE})")
  int numClasses = 10;

  @Option(names = "--trained_param", required = true, arity = "1..*", paramLabel = "FILE",
      description = "the networks (.pkl or checkpoint prefix), the first one the reference of the ratios")
  List<Path> networks;

  @Option(names = "--batch_sizes", split = ",", paramLabel = "N",
      description = "batch sizes, each timed separately (default: ${DEFAULT-VALUE})")
  List<Integer> batchSizes = List.of(1, 256);

  @Option(names = "--runs", description = "timed passes per network and batch size (default: ${DEFAULT-VALUE})")
  int runs = 30;

  @Option(names = "--folded", description = "time the networks as served (test --export_savedmodel's frozen graph: "
      + "batch norm folded into the convolutions, weights constant) instead of the inference-mode model")
  boolean folded;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the JSON record to FILE")
  Path json;

  /** One network: its file, its FLOPs and its median milliseconds per batch size. */
  private record Timed(Path file, long flops, List<Double> millis) {}

  @Override
  public Integer call() throws Exception {
    for (int batch : batchSizes) {
      if (batch < 1) {
        throw new IllegalArgumentException("--batch_sizes must be ≥ 1, got " + batch);
      }
    }
    NetworkSpec family = NetworkSpec.parse(arch, numClasses);
    SessionOptions options = device.sessionOptions();
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      List<Latency.Target> targets = new ArrayList<>();
      List<Timed> timed = new ArrayList<>();
      for (Path file : networks) {
        Model model = Model.open(family, WeightFiles.read(file), file.toString(), options);
        opened.add(model);
        timed.add(new Timed(file, model.architecture().complexity().flops(), new ArrayList<>()));
        if (folded) {
          FrozenNetwork served = new FrozenNetwork(model.architecture(), model.weights());
          opened.add(served);
          targets.add(Latency.Target.of(served, options));
        } else {
          targets.add(Latency.Target.of(model, BnMode.INFERENCE));
        }
      }
      for (int batch : batchSizes) {
        List<Latency.Measurement> measured = Latency.alternately(targets, batch, Latency.WARMUP_RUNS, runs);
        for (int m = 0; m < timed.size(); m++) {
          timed.get(m).millis().add(measured.get(m).medianMillis());
        }
      }
      print(timed);
      if (json != null) {
        writeJson(timed);
      }
    } finally {
      for (AutoCloseable c : opened) {
        c.close();
      }
    }
    return 0;
  }

  private void print(List<Timed> timed) {
    PrintWriter out = spec.commandLine().getOut();
    StringBuilder header = new StringBuilder("| network | FLOPs | FLOPs ratio |");
    StringBuilder rule = new StringBuilder("|---|---|---|");
    for (int batch : batchSizes) {
      header.append(" batch ").append(batch).append(" (ms) | latency ratio |");
      rule.append("---|---|");
    }
    out.println(header);
    out.println(rule);
    Timed reference = timed.get(0);
    for (Timed t : timed) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %.2f M | %.3f |", t.file(),
          t.flops() / 1e6, (double) t.flops() / reference.flops()));
      for (int b = 0; b < batchSizes.size(); b++) {
        row.append(String.format(Locale.ROOT, " %.2f | %.3f |", t.millis().get(b),
            t.millis().get(b) / reference.millis().get(b)));
      }
      out.println(row);
    }
    out.printf(Locale.ROOT, "(%s, medians of %d passes taken in turn, %s, TensorFlow %s)%n",
        folded ? "as served: batch norm folded, weights constant" : "inference mode", runs,
        Accelerators.processorLabel(), TensorFlow.version());
    out.flush();
  }

  private void writeJson(List<Timed> timed) throws IOException {
    ObjectNode record = BenchRecord.create();
    record.put("arch", arch);
    record.put("runs", runs);
    record.put("folded", folded);
    ArrayNode batches = record.putArray("batch_sizes");
    batchSizes.forEach(batches::add);
    ArrayNode rows = record.putArray("networks");
    for (Timed t : timed) {
      ObjectNode row = rows.addObject();
      row.put("file", t.file().toString());
      row.put("flops", t.flops());
      ArrayNode millis = row.putArray("median_ms");
      t.millis().forEach(millis::add);
    }
    BenchRecord.write(json, record);
  }
}
