package dev.ekg.cli;

import dev.ekg.data.CifarSplits;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.Normalization;
import dev.ekg.io.FloatArray;
import dev.ekg.io.WeightFiles;
import dev.ekg.io.WeightsDigest;
import dev.ekg.model.Architecture;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkSpec;
import dev.ekg.pipeline.FineTuning;
import dev.ekg.pipeline.KnowledgeFile;
import dev.ekg.pipeline.RunState;
import dev.ekg.pipeline.StopRequest;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.report.Plots;
import dev.ekg.runtime.Cluster;
import dev.ekg.runtime.NumericsEnvironment;
import dev.ekg.runtime.SessionOptions;
import dev.ekg.runtime.WorkerServer;
import dev.ekg.train.TrainStep;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.exceptions.TensorFlowException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Mirrors the reference's {@code train.py} (§1.3, §6.8): trains from scratch or fine-tunes weights,
 * with {@code --Knowledge} by memory-bank distillation from the knowledge file beside them (§5.2).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Trains a network (ResNet, MobileNetV2) from scratch or fine-tunes a trained or pruned one.",
      "Starts from --trained_param (.pkl or checkpoint, pruned shapes included) or the reference's initialisers; "
          + "tests after every epoch and saves a checkpoint, trained_params.pkl, TensorBoard events and "
          + "training_curves.png in --train_path. With --Knowledge it fine-tunes by memory-bank distillation from the "
          + "knowledge file beside --trained_param."
    })
public final class TrainCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin private DataOptions data = new DataOptions();

  @CommandLine.Mixin private DeviceOptions device = new DeviceOptions();

  @CommandLine.Mixin private WorkerOptions workers = new WorkerOptions();

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
    NetworkSpec network = data.spec();
    FineTuning.Settings settings = loop.settings();
    TrainStep.Config stepConfig = loop.stepConfig();
    if (loop.knowledge && trainedParam == null) {
      throw new IllegalArgumentException("--Knowledge needs --trained_param: the memory bank "
          + KnowledgeFile.name(variant) + " is read from the folder of the weights it fine-tunes");
    }
    Path knowledge = loop.knowledge ? KnowledgeFile.beside(trainedParam, variant) : null;
    Cluster cluster = workers.cluster(System.getenv());
    SessionOptions options = device.sessionOptions().withCluster(cluster);
    stepConfig.requireEvenSplit(options.replicaDevices().size() * cluster.size());
    Map<String, Path> reads = data.reads(trainedParam);
    reads.put("--Knowledge", knowledge);
    run.check(reads);
    CifarSplits splits = loop.select(data.read(), data.dataPath);
    loop.requireFits(splits.train(), data.dataPath);
    if (knowledge != null) {
      settings = settings.withMemoryBank(KnowledgeFile.read(knowledge, splits.train(), "--Knowledge reads the memory "
          + "bank beside --trained_param; train_cifar's prune phase writes it next to slimmed_params.pkl (or "
          + "train without --Knowledge)"));
    }
    Map<String, FloatArray> weights = trainedParam == null ? null : WeightFiles.read(trainedParam);
    Architecture architecture = weights == null
        ? network.unpruned()
        : network.fromWeights(weights, trainedParam.toString());
    boolean resume = run.resume;
    if (resume) {
      ArgumentsFile.requireSameRun(spec, run.path, cluster.size());
    }
    WorkerServer.start(options);
    String digest;
    try (RunLock lock = cluster.isChief() ? run.open(reads, resume, err) : null;
        WorkerScratch scratch = cluster.isChief() ? null : WorkerScratch.create(run.path, List.of(), resume, err)) {
      Path trainPath = cluster.isChief() ? run.path : scratch.path();
      RunState state = resume ? RunState.resumeFrom(trainPath, err) : RunState.fresh();
      ArgumentsFile.write(spec, trainPath, cluster.size());
      NumericsFile.record(NumericsEnvironment.current(options), trainPath, resume, err);
      long start = System.nanoTime();
      try (Model model = weights == null
          ? Model.create(architecture, options, loop.seed + 1)
          : Model.withWeights(architecture, weights, options)) {
        if (state.checkpoint() != null) {
          err.printf(Locale.ROOT, "resuming %s at epoch %d (step %d)%n", trainPath, state.epoch(), state.step());
        }
        try {
          state = new FineTuning(model, stepConfig, settings, trainPath, out, progress)
              .run(splits.train(), splits.test(), Normalization.of(variant), state);
        } catch (TensorFlowException e) {
          throw cluster.isDistributed() ? WorkerFailure.of(cluster, e) : e;
        }
        digest = WeightsDigest.sha256(model.weights());
      }
      out.printf(Locale.ROOT, "fine_tuning_time: %.1f s%n", (System.nanoTime() - start) / 1e9);
      out.flush();
      Plots.epochs(trainPath.resolve(Plots.TRAINING_CURVES), "Training", state.history());
    }
    if (cluster.isDistributed()) {
      out.println("weights sha256: " + digest);
      out.flush();
    }
    return 0;
  }
}
