package dev.ekg.cli;

import dev.ekg.criteria.AllocationPolicy;
import dev.ekg.criteria.MagnitudeCriterion;
import dev.ekg.criteria.ScoreNormalization;
import dev.ekg.data.CifarSplits;
import dev.ekg.data.CifarVariant;
import dev.ekg.graph.ChannelRounding;
import dev.ekg.io.WeightFiles;
import dev.ekg.io.WeightsDigest;
import dev.ekg.method.MagnitudePruning;
import dev.ekg.method.PruningMethod;
import dev.ekg.method.Teacher;
import dev.ekg.model.NetworkSpec;
import dev.ekg.pipeline.FineTuning;
import dev.ekg.pipeline.PhaseProgress;
import dev.ekg.pipeline.PruningPipeline;
import dev.ekg.pipeline.RunState;
import dev.ekg.pipeline.StopRequest;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.prune.EkgSearch;
import dev.ekg.prune.PruningCost;
import dev.ekg.prune.SearchSubsets;
import dev.ekg.report.ResultTable;
import dev.ekg.report.TrainCifarReport;
import dev.ekg.runtime.Cluster;
import dev.ekg.runtime.NumericsEnvironment;
import dev.ekg.runtime.SessionOptions;
import dev.ekg.runtime.WorkerServer;
import dev.ekg.train.TrainStep;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
 * Mirrors the reference's {@code train_cifar.py} (§1.1): EKG search → memory bank → physical
 * pruning → fine-tuning, in one process, each phase restartable from the files of the previous one.
 */
@Command(
    name = "train_cifar",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Prunes a trained network with EKG (or by weight magnitude) to a FLOPs target and fine-tunes it with memory-bank distillation.",
      "Writes the search log, slimmed_params.pkl, the knowledge file, trained_params.pkl, checkpoints, TensorBoard "
          + "events, summary.json, PNG plots and report.md/report.json into --train_path."
    })
public final class TrainCifarCommand implements Callable<Integer> {
  /** Which phases to run. */
  enum Phase { all, search, prune, finetune }

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin private DataOptions data = new DataOptions();

  @CommandLine.Mixin private DeviceOptions device = new DeviceOptions();

  @CommandLine.Mixin private WorkerOptions workers = new WorkerOptions();

  @CommandLine.Mixin private RunDirectory run = new RunDirectory(Path.of("runs", "ekg"));

  @Option(names = "--trained_param", description = "the trained network to prune (.pkl or checkpoint prefix); needed by the search phase")
  Path trainedParam;

  @Option(names = "--num_teacher", description = "teachers in the memory bank (default: ${DEFAULT-VALUE})")
  int numTeacher = 5;

  @CommandLine.Mixin private FineTuningOptions loop = new FineTuningOptions(FineTuningOptions.TRAIN_CIFAR);

  @Option(names = "--searching", arity = "0..1", fallbackValue = "true", hidden = true,
      description = "accepted for compatibility; the search always runs in the search phase")
  boolean searching = true;

  @Option(names = "--search_target_rate", description = "fraction of FLOPs to keep, in (0, 1) (default: ${DEFAULT-VALUE})")
  double searchTargetRate = .45;

  @Option(names = "--search_step", description = "width decrement per search step (default: ${DEFAULT-VALUE})")
  double searchStep = .2;

  @Option(names = "--pruning_cost", description = "how gates are shortlisted: SPEC_SLICE = the cheapest active channels the next step removes "
      + "(the method as described); AS_EXECUTED = what the reference's code computes on its [1,1,1,C] scores (all scores of an untouched gate, 0 once pruned) (default: ${DEFAULT-VALUE})")
  PruningCost pruningCost = PruningCost.SPEC_SLICE;

  @Option(names = "--round_to", paramLabel = "N", description = "every pruned gate keeps a multiple of N channels, at least N (a group "
      + "narrower than N keeps all its channels), in the EKG search and the magnitude allocations; 1 = no rounding "
      + "(default: ${DEFAULT-VALUE})")
  int roundTo = 1;

  @Option(names = "--search_batch_size", description = "batch of the search subsets and the warm-up (default: ${DEFAULT-VALUE})")
  int searchBatchSize = 256;

  @Option(names = "--search_val_per_class", description = "validation images per class for the search (default: ${DEFAULT-VALUE})")
  int searchValPerClass = SearchSubsets.REFERENCE_VAL_PER_CLASS;

  @Option(names = "--search_train_per_class", description = "warm-up images per class (default: ${DEFAULT-VALUE})")
  int searchTrainPerClass = SearchSubsets.REFERENCE_TRAIN_PER_CLASS;

  @Option(names = "--warmup_steps", description = "warm-up batches before the search (lr 1e-3 on the warm-up subset): "
      + PruningPipeline.ONE_PASS + " = one pass over the subset, as the reference; 0 = none, the search starts from --trained_param "
      + "as given; N = N batches, starting the subset over after each pass (default: ${DEFAULT-VALUE})")
  int warmupSteps = PruningPipeline.ONE_PASS;

  @Option(names = "--search_cache", arity = "0..1", fallbackValue = "true", description = "each search step's "
      + "candidates run only the layers from their gate on, fed the unchanged layers' outputs computed once per step, "
      + "two passes at a time (same decisions, less time); --search_cache=false evaluates every candidate from the "
      + "images, one after the other "
      + "(default: ${DEFAULT-VALUE})")
  boolean searchCache = true;

  @Option(names = "--search_seed", hidden = true, description = "accepted and ignored, as in the reference (the subsets use seed 1)")
  int searchSeed = 1;

  @Option(names = "--method", description = "how the search phase chooses the channels: ekg (the EKG search) or magnitude "
      + "(one shot: --criterion scores, --allocation to the FLOPs target) (default: ${DEFAULT-VALUE})")
  String method = PruningMethod.EKG.cliName();

  @Option(names = "--criterion", description = "magnitude score of a channel: l1 or l2 (norm of its producing kernels' output "
      + "slices, summed over the group's convs) or bn_scale (|γ| summed over the group's batch norms) (default: ${DEFAULT-VALUE})")
  String criterion = MagnitudeCriterion.L1.cliName();

  @Option(names = "--normalization", description = "magnitude scores divided per group by their none, mean, max or sum "
      + "(default: ${DEFAULT-VALUE})")
  String normalization = ScoreNormalization.MEAN.cliName();

  @Option(names = "--allocation", description = "magnitude channels kept per group: global (one ranking across groups, at "
      + "least 10 %% of each group kept) or uniform (the same fraction of every group) (default: ${DEFAULT-VALUE})")
  String allocation = AllocationPolicy.GLOBAL.cliName();

  @Option(names = "--teacher", description = "whose logits fill the memory bank: ensemble (the EKG search's interim "
      + "networks; the default with --method ekg) or original (the unpruned network; the default otherwise)")
  String teacher;

  @Option(names = "--phase", description = "all, or one phase alone from the previous phase's files: search, prune, finetune (default: ${DEFAULT-VALUE})")
  Phase phase = Phase.all;

  @Override
  public Integer call() throws Exception {
    StopRequest.install();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProgressReporter reporter = ProgressReporter.forStderr(err);
    CifarVariant variant = data.variant();
    NetworkSpec network = data.spec();
    boolean runsSearch = phase == Phase.all || phase == Phase.search;
    if (runsSearch && trainedParam == null) {
      throw new IllegalArgumentException("--trained_param is required: the search prunes a trained network");
    }
    boolean resume = run.resume;
    boolean keep = resume || !runsSearch;
    Path trainPath = run.path;
    Cluster cluster = workers.cluster(System.getenv());
    if (cluster.isDistributed() && phase != Phase.finetune) {
      throw new IllegalArgumentException("several workers (--worker_hosts or TF_CONFIG) run the fine-tuning phase "
          + "only: run --phase search and --phase prune on one machine, then --phase finetune on every worker; got "
          + "--phase " + phase);
    }
    SessionOptions session = device.sessionOptions().withCluster(cluster);
    int replicas = session.replicaDevices().size();
    loop.stepConfig().requireEvenSplit(replicas * cluster.size());
    TrainStep.requireEvenSplit("--search_batch_size", searchBatchSize, replicas, loop.stepConfig().accum());
    PruningMethod pruningMethod = PruningMethod.parse(method);
    ChannelRounding rounding = new ChannelRounding(roundTo);
    PruningPipeline.Method chosen = new PruningPipeline.Method(pruningMethod,
        new MagnitudePruning(MagnitudeCriterion.parse(criterion), ScoreNormalization.parse(normalization),
            AllocationPolicy.parse(allocation), rounding),
        teacher == null ? Teacher.defaultFor(pruningMethod) : Teacher.parse(teacher));
    PruningPipeline.Settings settings = new PruningPipeline.Settings(network, variant, trainedParam, trainPath,
        session, chosen, new EkgSearch.Settings(searchTargetRate, searchStep, pruningCost, rounding), searchBatchSize,
        searchValPerClass, searchTrainPerClass, warmupSteps, searchCache, numTeacher, loop.knowledge, loop.stepConfig(),
        loop.settings());
    Map<String, Path> reads = data.reads(trainedParam);
    run.check(reads);
    CifarSplits splits = loop.select(data.read(), data.dataPath);
    loop.requireFits(splits.train(), data.dataPath);
    PruningPipeline pipeline = new PruningPipeline(settings, splits, out, reporter);
    if (runsSearch) {
      pipeline.checkSearchInputs();
    } else if (phase == Phase.prune) {
      pipeline.checkPruneInputs();
    } else {
      pipeline.checkFineTuneInputs();
    }
    if (resume) {
      ArgumentsFile.requireSameRun(spec, trainPath, cluster.size());
    }
    WorkerServer.start(session);
    if (!cluster.isChief()) {
      return fineTuneOnWorker(pipeline, settings, splits, cluster, out, err, reporter);
    }
    try (RunLock lock = run.open(reads, keep, err)) {
      ArgumentsFile.write(spec, trainPath, cluster.size());
      NumericsEnvironment numerics = NumericsEnvironment.current(session);
      NumericsFile.record(numerics, trainPath, keep, err);
      PhaseProgress progress = keep ? PhaseProgress.read(trainPath) : PhaseProgress.none();
      ResultTable table = null;
      if (runsSearch) {
        progress = runPhase(progress, PruningPipeline.SEARCH, "searching_time", () -> pipeline.search(resume), out);
      }
      if (phase == Phase.all || phase == Phase.prune) {
        progress = runPhase(progress, PruningPipeline.PRUNE, "memory_bank_and_pruning_time", pipeline::prune, out);
      }
      if (phase == Phase.all || phase == Phase.finetune) {
        boolean continues = Files.isRegularFile(trainPath.resolve(RunState.FILE)) && (resume || phase == Phase.finetune);
        RunState state = continues ? RunState.read(trainPath) : RunState.fresh();
        progress = runPhase(progress, PruningPipeline.FINETUNE, "fine_tuning_time",
            () -> fineTune(pipeline, state, cluster), out);
        table = new ResultTable(pipeline.summarize(progress));
      }
      List<String> plots = TrainCifarReport.plots(trainPath, network, searchTargetRate);
      if (table != null) {
        TrainCifarReport.write(trainPath, table, numerics.describe(), ArgumentsFile.arguments(spec), plots);
        out.println("report: " + trainPath.resolve(TrainCifarReport.MARKDOWN));
        out.print(table.text());
      } else if (!plots.isEmpty()) {
        out.println("plots: " + String.join(", ", plots) + " in " + trainPath);
      }
    }
    printDigest(cluster, trainPath, out);
    return 0;
  }

  /**
   * A worker other than the chief: fine-tunes in a scratch folder that starts from the chief's phase
   * inputs (and its last commit, which the chief continues too), writing nothing into --train_path.
   */
  private int fineTuneOnWorker(PruningPipeline chiefs, PruningPipeline.Settings settings, CifarSplits splits,
      Cluster cluster, PrintWriter out, PrintWriter err, ProgressReporter reporter) throws Exception {
    try (WorkerScratch scratch = WorkerScratch.create(run.path, chiefs.fineTuneInputs(), true, err)) {
      NumericsFile.record(NumericsEnvironment.current(settings.session()), scratch.path(), false, err);
      PruningPipeline own = new PruningPipeline(settings.withRunDir(scratch.path()), splits, out, reporter);
      boolean continues = Files.isRegularFile(scratch.path().resolve(RunState.FILE));
      fineTune(own, continues ? RunState.read(scratch.path()) : RunState.fresh(), cluster);
      printDigest(cluster, scratch.path(), out);
    }
    return 0;
  }

  private static void fineTune(PruningPipeline pipeline, RunState state, Cluster cluster)
      throws IOException, InterruptedException {
    try {
      pipeline.fineTune(state);
    } catch (TensorFlowException e) {
      if (cluster.isDistributed()) {
        throw WorkerFailure.of(cluster, e);
      }
      throw e;
    }
  }

  /** On several workers, the last line: the digest by which they can be seen to agree. */
  private static void printDigest(Cluster cluster, Path runDir, PrintWriter out) throws IOException {
    if (cluster.isDistributed()) {
      out.println("weights sha256: " + WeightsDigest.sha256(WeightFiles.read(runDir.resolve(FineTuning.TRAINED_PARAMS))));
    }
    out.flush();
  }

  /**
   * Runs one phase unless --resume finds it finished, and prints its total time. A phase continues
   * an interrupted one (its time adds up) only with --resume.
   */
  private PhaseProgress runPhase(
      PhaseProgress progress, String name, String timeLabel, PhaseProgress.Body body, PrintWriter out)
      throws Exception {
    if (run.resume && progress.done(name)) {
      return progress;
    }
    PhaseProgress next = progress.run(run.path, name, run.resume, body);
    out.printf(Locale.ROOT, "%s: %.1f s%n", timeLabel, next.seconds(name));
    out.flush();
    StopRequest.check("after the " + name + " phase (--resume continues with the next one)");
    return next;
  }
}
