package dev.ekg.cli;

import dev.ekg.data.CifarDataset;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.Normalization;
import dev.ekg.io.AtomicDirectory;
import dev.ekg.io.FloatArray;
import dev.ekg.io.NpyFile;
import dev.ekg.io.WeightFiles;
import dev.ekg.model.Architecture;
import dev.ekg.model.GraphExport;
import dev.ekg.model.InferenceExport;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkSpec;
import dev.ekg.nn.BnMode;
import dev.ekg.nn.Complexity;
import dev.ekg.nn.NonFiniteException;
import dev.ekg.pipeline.Evaluation;
import dev.ekg.pipeline.Latency;
import dev.ekg.pipeline.StopRequest;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.runtime.Accelerators;
import dev.ekg.runtime.SessionOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Mirrors the reference's {@code test.py} (§1.4, §7.4): accuracy, params, FLOPs, plus latency. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Evaluates a trained or pruned network (ResNet, MobileNetV2) on the CIFAR test split.",
      "Prints loss, top-1/top-5 accuracy, params, FLOPs and the measured inference latency; the weights are a .pkl "
          + "or a checkpoint, and pruned widths come from the array shapes."
    })
public final class TestCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin private DataOptions data = new DataOptions();

  @CommandLine.Mixin private DeviceOptions device = new DeviceOptions();

  @Option(names = "--val_batch_size", description = "images per test batch (default: ${DEFAULT-VALUE})")
  int valBatchSize = 256;

  @Option(
      names = "--trained_param",
      required = true,
      description = "weights: a .pkl file in the reference's format or a checkpoint prefix (PREFIX.index + PREFIX.data-*)")
  Path trainedParam;

  @Option(
      names = "--bn_mode",
      description = "batch-norm statistics: 'train' = per-batch statistics, as the reference's test.py does; 'inference' = moving statistics, as its per-epoch test does (default: ${DEFAULT-VALUE})")
  String bnMode = "train";

  @Option(names = "--save_logits", paramLabel = "FILE.npy", description = "write the logits of every test image, in dataset order, as float32 [N, classes]")
  Path saveLogits;

  @Option(names = "--latency_runs", description = "timed forward passes of one --val_batch_size batch in inference mode (moving BN statistics, as deployed) for the latency line (default: ${DEFAULT-VALUE})")
  int latencyRuns = Latency.DEFAULT_RUNS;

  @Option(names = "--export_graph", paramLabel = "DIR", description = "also write the network's GraphDef (.pb) and a text summary into DIR")
  Path exportGraph;

  @Option(names = "--export_savedmodel", paramLabel = "DIR", description = "also write the network for serving into DIR "
      + "(absent or empty): a TensorFlow SavedModel (tag serve, signature serving_default: images -> logits) and "
      + "frozen_graph.pb, in inference mode with each batch norm folded into its convolution")
  Path exportSavedModel;

  @Override
  public Integer call() throws Exception {
    StopRequest.install();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProgressReporter progress = ProgressReporter.forStderr(err);
    BnMode mode = BnMode.parse(bnMode);
    CifarVariant variant = data.variant();
    NetworkSpec network = data.spec();
    OutputPaths.requireWritableFile("--save_logits", saveLogits);
    OutputPaths.requireDirectoryOrAbsent("--export_graph", exportGraph);
    if (exportSavedModel != null) {
      AtomicDirectory.checkNew("--export_savedmodel", exportSavedModel);
    }
    Map<String, FloatArray> weights = WeightFiles.read(trainedParam);
    Architecture architecture = network.fromWeights(weights, trainedParam.toString());
    CifarDataset test = data.readTest();
    SessionOptions options = device.sessionOptions();
    try (Model model = Model.withWeights(architecture, weights, options)) {
      if (exportGraph != null) {
        GraphExport.write(model, exportGraph, network.archName() + "-" + variant.name());
      }
      Evaluation.Result result;
      try {
        result = Evaluation.run(model, mode, test, Normalization.of(variant), valBatchSize, saveLogits != null,
            progress, "test");
      } catch (NonFiniteException e) {
        throw e.in(trainedParam + " with --bn_mode " + bnMode);
      }
      if (saveLogits != null) {
        NpyFile.write(saveLogits, result.logits());
      }
      // after the evaluation, which refuses weights that compute NaN or infinity
      if (exportSavedModel != null) {
        InferenceExport.write(model, exportSavedModel, "--export_savedmodel");
      }
      Complexity complexity = architecture.complexity();
      // deployment speed: moving statistics, which TensorFlow folds into the convolutions; batch
      // statistics cost a separate pass per layer whatever --bn_mode the accuracy used
      Latency.Measurement latency =
          Latency.measure(model, BnMode.INFERENCE, Math.min(valBatchSize, test.size()), Latency.WARMUP_RUNS, latencyRuns);
      out.printf(Locale.ROOT, "Test loss: %.4f, Test ACC. Top-1: %.4f, Top-5: %.4f%n",
          result.loss(), result.top1(), result.top5());
      out.printf(Locale.ROOT, "Params: %.2f FLOPS: %.2f%n", complexity.paramsMillions(), complexity.flopsMillions());
      out.printf(Locale.ROOT, "Latency: %.2f ms/batch of %d (median of %d), %.1f images/s, inference mode, %s%n",
          latency.medianMillis(), latency.batchSize(), latency.runs(), latency.imagesPerSecond(),
          Accelerators.processorLabel());
      out.flush();
    }
    return 0;
  }
}
