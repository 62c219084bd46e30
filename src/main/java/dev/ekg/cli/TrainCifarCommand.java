package dev.ekg.cli;

import dev.ekg.data.CifarSplits;
import dev.ekg.data.CifarVariant;
import dev.ekg.model.ResNetSpec;
import dev.ekg.nn.NumericsEnvironment;
import dev.ekg.nn.SessionOptions;
import dev.ekg.pipeline.EkgPipeline;
import dev.ekg.pipeline.RunState;
import dev.ekg.pipeline.SearchHistoryFile;
import dev.ekg.prune.EkgSearch;
import dev.ekg.prune.PruningCost;
import dev.ekg.prune.SearchSubsets;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Mirrors the reference's {@code train_cifar.py} (§1.1): EKG search → memory bank → physical
 * pruning → fine-tuning, in one process, each phase restartable from the files of the previous one.
 */
@Command(
    name = "train_cifar",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Prunes a trained CIFAR ResNet with EKG to a FLOPs target and fine-tunes it with memory-bank "
            + "distillation; writes the search log, slimmed_params.pkl, the knowledge file, trained_params.pkl, "
            + "checkpoints, TensorBoard events and summary.json into --train_path.")
public final class TrainCifarCommand implements Callable<Integer> {
  /** Which phases to run. */
  enum Phase { all, search, prune, finetune }

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin private DataOptions data = new DataOptions();

  @CommandLine.Mixin private DeviceOptions device = new DeviceOptions();

  @CommandLine.Mixin private RunDirectory run = new RunDirectory(Path.of("runs", "ekg"));

  @Option(names = "--trained_param", description = "the trained network to prune (.pkl or checkpoint prefix); needed by the search phase")
  Path trainedParam;

  @Option(names = "--Knowledge", arity = "0..1", fallbackValue = "true",
      description = "fine-tune with memory-bank distillation; --Knowledge=false for plain cross-entropy (default: ${DEFAULT-VALUE})")
  boolean knowledge = true;

  @Option(names = "--num_teacher", description = "teachers in the memory bank (default: ${DEFAULT-VALUE})")
  int numTeacher = 5;

  @CommandLine.Mixin private FineTuningOptions loop = new FineTuningOptions(FineTuningOptions.TRAIN_CIFAR);

  @Option(names = "--searching", arity = "0..1", fallbackValue = "true", hidden = true,
      description = "accepted for compatibility; the search always runs in the search phase")
  boolean searching = true;

  @Option(names = "--search_target_rate", description = "fraction of FLOPs to keep, in (0, 1] (default: ${DEFAULT-VALUE})")
  double searchTargetRate = .45;

  @Option(names = "--search_step", description = "width decrement per search step (default: ${DEFAULT-VALUE})")
  double searchStep = .2;

  @Option(names = "--pruning_cost", description = "how gates are shortlisted: SPEC_SLICE = the cheapest active channels the next step removes "
      + "(the method as described); AS_EXECUTED = what the reference's code computes on its [1,1,1,C] scores (all scores of an untouched gate, 0 once pruned) (default: ${DEFAULT-VALUE})")
  PruningCost pruningCost = PruningCost.SPEC_SLICE;

  @Option(names = "--search_batch_size", description = "batch of the search subsets and the warm-up (default: ${DEFAULT-VALUE})")
  int searchBatchSize = 256;

  @Option(names = "--search_val_per_class", description = "validation images per class for the search (default: ${DEFAULT-VALUE})")
  int searchValPerClass = SearchSubsets.REFERENCE_VAL_PER_CLASS;

  @Option(names = "--search_train_per_class", description = "warm-up images per class (default: ${DEFAULT-VALUE})")
  int searchTrainPerClass = SearchSubsets.REFERENCE_TRAIN_PER_CLASS;

  @Option(names = "--search_seed", hidden = true, description = "accepted and ignored, as in the reference (the subsets use seed 1)")
  int searchSeed = 1;

  @Option(names = "--phase", description = "all, or one phase alone from the previous phase's files: search, prune, finetune (default: ${DEFAULT-VALUE})")
  Phase phase = Phase.all;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CifarVariant variant = data.variant();
    ResNetSpec resnet = data.spec();
    boolean runsSearch = phase == Phase.all || phase == Phase.search;
    if (runsSearch && trainedParam == null) {
      throw new IllegalArgumentException("--trained_param is required: the search prunes a trained network");
    }
    boolean resume = run.resume;
    Path trainPath = run.path;
    SessionOptions session = device.sessionOptions(err);
    EkgPipeline.Settings settings = new EkgPipeline.Settings(resnet, variant, trainedParam, trainPath,
        session, new EkgSearch.Settings(searchTargetRate, searchStep, pruningCost), searchBatchSize,
        searchValPerClass, searchTrainPerClass, numTeacher, knowledge, loop.stepConfig(), loop.settings());
    CifarSplits splits = data.read();
    if (resume) {
      ArgumentsFile.requireSameRun(spec, trainPath);
    }
    boolean continuing = resume || phase != Phase.all && phase != Phase.search;
    run.prepare(continuing);
    ArgumentsFile.write(spec, trainPath);
    NumericsFile.record(NumericsEnvironment.current(session), trainPath, continuing, err);
    EkgPipeline pipeline = new EkgPipeline(settings, splits, out, err);

    double searchSeconds = 0;
    double pruneSeconds = 0;
    double fineTuneSeconds = 0;
    if (runsSearch && !(resume && Files.isRegularFile(trainPath.resolve(SearchHistoryFile.FILE)))) {
      searchSeconds = pipeline.search(resume);
      out.printf(Locale.ROOT, "searching_time: %.1f s%n", searchSeconds);
    }
    if ((phase == Phase.all || phase == Phase.prune)
        && !(resume && Files.isRegularFile(trainPath.resolve(EkgPipeline.SLIMMED_PARAMS)))) {
      pruneSeconds = pipeline.prune();
      out.printf(Locale.ROOT, "memory_bank_and_pruning_time: %.1f s%n", pruneSeconds);
    }
    if (phase == Phase.all || phase == Phase.finetune) {
      RunState state = Files.isRegularFile(trainPath.resolve(RunState.FILE)) && (resume || phase == Phase.finetune)
          ? RunState.read(trainPath)
          : RunState.fresh();
      fineTuneSeconds = pipeline.fineTune(state);
      out.printf(Locale.ROOT, "fine_tuning_time: %.1f s%n", fineTuneSeconds);
      pipeline.summarize(searchSeconds, pruneSeconds, fineTuneSeconds);
    }
    out.flush();
    return 0;
  }
}
