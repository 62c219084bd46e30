package dev.ekg.cli;

import dev.ekg.data.CifarSplits;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.Normalization;
import dev.ekg.io.FloatArray;
import dev.ekg.io.WeightFiles;
import dev.ekg.model.ResNetArchitecture;
import dev.ekg.model.ResNetModel;
import dev.ekg.model.ResNetSpec;
import dev.ekg.nn.NumericsEnvironment;
import dev.ekg.nn.SessionOptions;
import dev.ekg.pipeline.FineTuning;
import dev.ekg.pipeline.RunState;
import dev.ekg.pipeline.StopRequest;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.train.TrainStep;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Mirrors the reference's {@code train.py} (§1.3, §6.8): trains from scratch or fine-tunes weights. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Trains a CIFAR ResNet from scratch or fine-tunes a .pkl/checkpoint (pruned shapes included); tests "
            + "after every epoch and saves a checkpoint, trained_params.pkl and TensorBoard events in --train_path.")
public final class TrainCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin private DataOptions data = new DataOptions();

  @CommandLine.Mixin private DeviceOptions device = new DeviceOptions();

  @CommandLine.Mixin private RunDirectory run = new RunDirectory(Path.of("runs", "train"));

  @Option(names = "--trained_param", description = "weights to start from (.pkl or checkpoint prefix); none = train from scratch with the reference's initialisers")
  Path trainedParam;

  @CommandLine.Mixin private FineTuningOptions loop = new FineTuningOptions(FineTuningOptions.TRAIN);

  @Override
  public Integer call() throws Exception {
    StopRequest.install();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProgressReporter progress = ProgressReporter.forStderr(err);
    CifarVariant variant = data.variant();
    ResNetSpec resnet = data.spec();
    FineTuning.Settings settings = loop.settings();
    TrainStep.Config stepConfig = loop.stepConfig();
    Map<String, Path> reads = data.reads(trainedParam);
    run.check(reads);
    CifarSplits splits = data.read();
    loop.requireFits(splits.train(), data.dataPath);
    Map<String, FloatArray> weights = trainedParam == null ? null : WeightFiles.read(trainedParam);
    ResNetArchitecture architecture = weights == null
        ? ResNetArchitecture.of(resnet)
        : ResNetArchitecture.fromWeights(resnet, weights, trainedParam.toString());
    boolean resume = run.resume;
    if (resume) {
      ArgumentsFile.requireSameRun(spec, run.path);
    }
    try (RunLock lock = run.open(reads, resume, err)) {
      Path trainPath = run.path;
      RunState state = resume ? RunState.resumeFrom(trainPath, err) : RunState.fresh();
      ArgumentsFile.write(spec, trainPath);
      SessionOptions options = device.sessionOptions(err);
      NumericsFile.record(NumericsEnvironment.current(options), trainPath, resume, err);
      long start = System.nanoTime();
      try (ResNetModel model = weights == null
          ? ResNetModel.create(architecture, options, loop.seed + 1)
          : ResNetModel.withWeights(architecture, weights, options)) {
        TrainStep step = new TrainStep(model, stepConfig);
        if (state.checkpoint() != null) {
          err.printf(Locale.ROOT, "resuming %s at epoch %d (step %d)%n", trainPath, state.epoch(), state.step());
        }
        new FineTuning(model, step, settings, trainPath, out, progress)
            .run(splits.train(), splits.test(), Normalization.of(variant), state);
      }
      out.printf(Locale.ROOT, "fine_tuning_time: %.1f s%n", (System.nanoTime() - start) / 1e9);
      out.flush();
    }
    return 0;
  }
}
