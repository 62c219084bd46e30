package dev.ekg.pipeline;

import dev.ekg.data.CifarDataset;
import dev.ekg.data.CifarSplits;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.Normalization;
import dev.ekg.data.ValidationSet;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.FloatArray;
import dev.ekg.io.NpyFile;
import dev.ekg.io.PickleWeights;
import dev.ekg.io.TensorBoardWriter;
import dev.ekg.io.WeightFiles;
import dev.ekg.method.MagnitudePruning;
import dev.ekg.method.PruningMethod;
import dev.ekg.method.StructuralEdit;
import dev.ekg.method.Teacher;
import dev.ekg.model.Architecture;
import dev.ekg.model.GatePlan;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkSpec;
import dev.ekg.nn.BnMode;
import dev.ekg.nn.Complexity;
import dev.ekg.nn.NonFiniteException;
import dev.ekg.progress.Progress;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.progress.ProgressUnit;
import dev.ekg.prune.BatchNormRecalibration;
import dev.ekg.prune.EkgSearch;
import dev.ekg.prune.MemoryBank;
import dev.ekg.prune.PhysicalPruning;
import dev.ekg.prune.SearchGraph;
import dev.ekg.prune.SearchSubsets;
import dev.ekg.prune.TeacherSelection;
import dev.ekg.runtime.SessionOptions;
import dev.ekg.train.TrainStep;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pipeline of the reference's {@code train_cifar.py} (§1.1, §6) as three phases that
 * communicate only through files in the run directory, so each can run alone:
 *
 * <ol>
 *   <li>search, by the {@link PruningMethod}: EKG warms up on the search's training subset (one
 *       pass, or {@code --warmup_steps}) and searches →
 *       {@code warmed_params.pkl}, {@code search_history.json}, {@code search_log.jsonl};
 *       magnitude pruning scores and allocates in one shot → {@code kept_channels.json};
 *   <li>prune: teachers ({@link Teacher}) and memory bank, physical pruning, BN re-estimation →
 *       {@code <DATASET>_knowledge.npy}, {@code slimmed_params.pkl} (+ checkpoint),
 *       {@code kept_channels.json} ({@link KeptChannelsFile});
 *   <li>finetune: {@link FineTuning} of the slimmed network, with memory-bank distillation unless
 *       turned off → {@code trained_params.pkl}, checkpoints, {@code train_state.json}.
 * </ol>
 */
public final class PruningPipeline {
  public static final String WARMED_PARAMS = "warmed_params.pkl";
  public static final String SLIMMED_PARAMS = "slimmed_params.pkl";
  public static final String SLIMMED_CHECKPOINT = "checkpoints/slimmed";
  /** The phases' names, as {@code --phase} and {@link PhaseProgress} call them. */
  public static final String SEARCH = "search";
  public static final String PRUNE = "prune";
  public static final String FINETUNE = "finetune";
  /** The reference's warm-up learning rate (§5.5). */
  private static final float WARMUP_LEARNING_RATE = 1e-3f;
  /** {@code --warmup_steps} value for the reference's warm-up: one pass over the warm-up subset (§5.5). */
  public static final int ONE_PASS = -1;

  /**
   * How the edit is chosen and who teaches the fine-tuning.
   *
   * @param magnitude the magnitude method's choices (used when {@code method} is MAGNITUDE)
   */
  public record Method(PruningMethod method, MagnitudePruning magnitude, Teacher teacher) {
    public Method {
      if (teacher == Teacher.ENSEMBLE && method != PruningMethod.EKG) {
        throw new IllegalArgumentException("--teacher ensemble needs --method ekg (the ensemble is the EKG search's "
            + "interim networks), got --method " + method.cliName() + ": use --teacher original");
      }
    }

    /** EKG distilling from its ensemble, as the reference. */
    public static Method ekg() {
      return new Method(PruningMethod.EKG, null, Teacher.ENSEMBLE);
    }
  }

  /**
   * Everything the phases need besides the data; {@code warmupSteps} is {@link #ONE_PASS}, 0 (no
   * warm-up: the search starts from {@code trainedParam} as given) or a number of warm-up batches;
   * {@code searchCache} lets each step's candidates share the base sub-network's prefix
   * ({@link SearchGraph#candidates}).
   */
  public record Settings(
      NetworkSpec spec, CifarVariant variant, Path trainedParam, Path runDir, SessionOptions session,
      Method method, EkgSearch.Settings search, int searchBatchSize, int valPerClass, int trainPerClass,
      int warmupSteps, boolean searchCache, int numTeacher, boolean knowledge, TrainStep.Config step,
      FineTuning.Settings fineTuning) {
    public Settings {
      FineTuning.atLeast("--search_batch_size", searchBatchSize, 1);
      FineTuning.atLeast("--search_val_per_class", valPerClass, 1);
      FineTuning.atLeast("--search_train_per_class", trainPerClass, 1);
      if (warmupSteps < ONE_PASS) {
        throw new IllegalArgumentException("--warmup_steps must be " + ONE_PASS
            + " (one pass over the warm-up subset), 0 (no warm-up) or a number of steps, got " + warmupSteps);
      }
      FineTuning.atLeast("--num_teacher", numTeacher, 1);
    }

    /** The same run with its files in {@code dir}. */
    public Settings withRunDir(Path dir) {
      return new Settings(spec, variant, trainedParam, dir, session, method, search, searchBatchSize, valPerClass,
          trainPerClass, warmupSteps, searchCache, numTeacher, knowledge, step, fineTuning);
    }
  }

  private final Settings settings;
  private final CifarSplits data;
  private final Normalization normalization;
  private final PrintWriter out;
  private final ProgressReporter progress;

  public PruningPipeline(Settings settings, CifarSplits data, PrintWriter out, ProgressReporter progress) {
    this.settings = settings;
    this.data = data;
    this.normalization = Normalization.of(settings.variant());
    this.out = out;
    this.progress = progress;
  }

  private Path file(String name) {
    return settings.runDir().resolve(name);
  }

  /** The files of the run directory the fine-tuning phase reads. */
  public List<String> fineTuneInputs() {
    return settings.knowledge() ? List.of(SLIMMED_PARAMS, KnowledgeFile.name(settings.variant())) : List.of(SLIMMED_PARAMS);
  }

  /** The memory bank the prune phase wrote, checked against the training set. */
  private FloatArray readKnowledge() throws IOException {
    return KnowledgeFile.read(file(KnowledgeFile.name(settings.variant())), data.train(),
        "run the prune phase first (--phase prune or all), which writes it, or pass --Knowledge=false");
  }

  /**
   * Fails, before the run directory is touched, when the search cannot start: weights that are not
   * finite or do not fit {@code --arch}, a target EKG cannot reach ({@link EkgSearch#requireReachable}),
   * EKG's search subsets larger than the training set.
   */
  public void checkSearchInputs() throws IOException {
    Architecture arch = settings.spec().fromWeights(WeightFiles.read(settings.trainedParam()),
        settings.trainedParam().toString());
    if (ekg()) {
      EkgSearch.requireReachable(GatePlan.of(arch), settings.search());
      CifarDataset train = data.train();
      SearchSubsets.of(train.labels(), train.numClasses(), settings.valPerClass(), settings.trainPerClass());
    }
  }

  /** Fails when the prune phase is run alone without the search phase's files. */
  public void checkPruneInputs() throws IOException {
    if (ekg()) {
      requireFrom(SearchHistoryFile.FILE, SEARCH);
      requireFrom(WARMED_PARAMS, SEARCH);
    } else {
      requireFrom(KeptChannelsFile.FILE, SEARCH);
      if (settings.trainedParam() == null) {
        throw new IllegalArgumentException(
            "--trained_param is required: with --method magnitude the prune phase slices the trained network");
      }
      checkSearchInputs();
    }
  }

  private boolean ekg() {
    return settings.method().method() == PruningMethod.EKG;
  }

  /**
   * Fails when the fine-tuning phase is run alone without the prune phase's files, or with a
   * {@code --trained_param} (the original network the summary compares with) that does not fit.
   */
  public void checkFineTuneInputs() throws IOException {
    requireFrom(SLIMMED_PARAMS, PRUNE);
    if (settings.knowledge()) {
      readKnowledge();
    }
    if (settings.trainedParam() != null) {
      settings.spec().fromWeights(WeightFiles.read(settings.trainedParam()),
          settings.trainedParam().toString());
    }
  }

  private void requireFrom(String name, String phase) throws IOException {
    if (!Files.isRegularFile(file(name))) {
      throw new IOException(file(name) + " is missing: run the " + phase + " phase first (--phase " + phase
          + " or all), which writes it");
    }
  }

  /**
   * Phase 1 (§6.0 steps 1–4). With {@code resume} and a saved search state, the warmed-up weights
   * are reloaded and the search continues after its last accepted step.
   */
  public void search(boolean resume) throws IOException {
    if (!ekg()) {
      selectByMagnitude();
      return;
    }
    Path saved = file(SearchLog.STATE_FILE);
    boolean continuing = resume && Files.isRegularFile(saved) && Files.isRegularFile(file(WARMED_PARAMS));
    Map<String, FloatArray> weights =
        WeightFiles.read(continuing ? file(WARMED_PARAMS) : settings.trainedParam());
    CifarDataset train = data.train();
    SearchSubsets subsets = SearchSubsets.of(train.labels(), train.numClasses(), settings.valPerClass(),
        settings.trainPerClass());
    try (Model model = Model.openGated(settings.spec(), weights, settings.trainedParam().toString(), settings.session());
        TensorBoardWriter events = new TensorBoardWriter(settings.runDir())) {
      if (!continuing) {
        warmUp(model, train.subset(subsets.warmup()));
        PickleWeights.write(file(WARMED_PARAMS), model.weights());
        Files.deleteIfExists(file(SearchLog.FILE));
      }
      ValidationSet val = searchValidation(train, subsets, normalization, settings.searchBatchSize());
      SearchGraph graph = new SearchGraph(model, settings.searchBatchSize(), settings.searchCache());
      EkgSearch search = new EkgSearch(model, graph, graph, val, settings.search());
      EkgSearch.State state = continuing ? SearchLog.readState(settings.runDir()) : search.start();
      if (continuing) {
        SearchLog.keepSteps(settings.runDir(), state.step());
        out.printf(Locale.ROOT, "resuming the search after step %d%n", state.step());
      }
      EkgSearch.Result result;
      try (SearchProgress shown = new SearchProgress(progress, new SearchLog(out, events, settings.runDir()),
          search.flopsRate(state), settings.search().targetRate())) {
        result = search.run(shown, state, Integer.MAX_VALUE);
      }
      SearchHistoryFile.write(settings.runDir(), result);
    }
  }

  /** The search's validation subset of {@code train}, normalised, in batches of {@code batchSize} (§5.5). */
  public static ValidationSet searchValidation(
      CifarDataset train, SearchSubsets subsets, Normalization normalization, int batchSize) {
    CifarDataset images = train.subset(subsets.validation());
    return new ValidationSet(normalization.normalize(images, 0, images.size()).data(), images.labels(),
        CifarDataset.IMAGE_BYTES, batchSize);
  }

  /** Phase 1 of magnitude pruning: one shot on {@code --trained_param} as given → {@code kept_channels.json}. */
  private void selectByMagnitude() throws IOException {
    Map<String, FloatArray> weights = WeightFiles.read(settings.trainedParam());
    Architecture arch = settings.spec().fromWeights(weights, settings.trainedParam().toString());
    MagnitudePruning magnitude = settings.method().magnitude();
    StructuralEdit edit = magnitude.select(arch, weights, settings.search().targetRate());
    KeptChannelsFile.write(settings.runDir(), arch.channelGroups(), edit.keptChannels());
    Complexity kept = arch.channelGroups().complexity(edit.keptCounts());
    out.printf(Locale.ROOT, "magnitude pruning: %s keep %.2f %% of the FLOPs (target %.2f %%)%n", magnitude.describe(),
        100.0 * kept.flops() / arch.complexity().flops(), 100 * settings.search().targetRate());
    out.flush();
  }

  /**
   * The warm-up of §5.5: training steps at lr 1e-3 on the warm-up subset's full batches in order (the
   * remainder dropped), no augmentation, BN statistics updated. By default one pass, as the
   * reference; {@code --warmup_steps N} takes N batches, starting the subset over after each pass.
   */
  private void warmUp(Model model, CifarDataset subset) {
    int steps = warmUpSteps(settings.warmupSteps(), subset.size(), settings.searchBatchSize());
    if (steps == 0) {
      return;
    }
    TrainStep step = new TrainStep(model, settings.step());
    int batch = settings.searchBatchSize();
    float[] images = normalization.normalize(subset, 0, subset.size()).data();
    int[] labels = subset.labels();
    int perPass = subset.size() / batch;
    try (Progress shown = progress.start("warm-up", steps, ProgressUnit.STEPS)) {
      for (int s = 0; s < steps; s++) {
        int first = s % perPass * batch;
        float[] x = Arrays.copyOfRange(images, first * CifarDataset.IMAGE_BYTES,
            (first + batch) * CifarDataset.IMAGE_BYTES);
        int[] y = Arrays.copyOfRange(labels, first, first + batch);
        float loss = step.run(x, y, batch, WARMUP_LEARNING_RATE).loss();
        NonFiniteException.requireFinite(loss, "search warm-up step " + (s + 1) + ": the loss");
        shown.extra(String.format(Locale.ROOT, "loss %.4f", loss));
        shown.advance(1);
        StopRequest.check("in the search's warm-up (nothing saved yet: --resume starts the search over)");
      }
    }
  }

  /**
   * How many warm-up batches {@code --warmup_steps} means for a subset of {@code subsetSize} images:
   * {@link #ONE_PASS} gives the subset's full batches (none when it is smaller than a batch, as the
   * reference's dropped remainder), 0 none, N exactly N.
   *
   * @throws IllegalArgumentException if N &gt; 0 batches are asked of a subset without a full batch
   */
  static int warmUpSteps(int warmupSteps, int subsetSize, int batchSize) {
    int perPass = subsetSize / batchSize;
    if (warmupSteps == ONE_PASS) {
      return perPass;
    }
    if (warmupSteps > 0 && perPass == 0) {
      throw new IllegalArgumentException("--warmup_steps " + warmupSteps + " needs a full batch of --search_batch_size "
          + batchSize + " images, but the warm-up subset holds " + subsetSize);
    }
    return warmupSteps;
  }

  /**
   * Phase 2 (§6.6, §6.7): the memory bank of the teachers' logits, then the edit applied to the
   * weights it was chosen on (EKG: the warmed-up ones; magnitude: {@code --trained_param}).
   */
  public void prune() throws IOException {
    Path source = ekg() ? file(WARMED_PARAMS) : settings.trainedParam();
    Map<String, FloatArray> weights = WeightFiles.read(source);
    Architecture arch = settings.spec().fromWeights(weights, source.toString());
    ChannelGroups groups = arch.channelGroups();
    SearchHistoryFile.Content history = ekg() ? SearchHistoryFile.read(settings.runDir()) : null;
    List<float[][]> teacherMasks = new ArrayList<>();
    if (settings.method().teacher() == Teacher.ORIGINAL) {
      teacherMasks.add(groups.allKeptMasks());
      out.println("memory bank: teacher the original network");
    } else {
      int[] teachers = TeacherSelection.fromHistory(history.history(), settings.numTeacher());
      for (int t : teachers) {
        teacherMasks.add(history.history().get(t).masks());
      }
      out.printf(Locale.ROOT, "memory bank: teachers %s of %d interim networks%n",
          Arrays.toString(teachers), history.history().size() - 1);
    }
    NpyFile.write(file(KnowledgeFile.name(settings.variant())), memoryBank(groups, weights, source, teacherMasks));
    StructuralEdit edit = new StructuralEdit(ekg()
        ? PhysicalPruning.keptIndices(history.history().get(history.history().size() - 1).masks())
        : KeptChannelsFile.read(settings.runDir()));
    Map<String, FloatArray> slim = edit.apply(groups, weights);
    Complexity after;
    try (Model model = Model.open(settings.spec(), slim, SLIMMED_PARAMS, settings.session())) {
      after = model.architecture().complexity();
      BatchNormRecalibration.run(model, data.train(), normalization, settings.searchBatchSize(),
          BatchNormRecalibration.REFERENCE_BATCHES, progress);
      PickleWeights.write(file(SLIMMED_PARAMS), model.weights());
      model.saveCheckpoint(file(SLIMMED_CHECKPOINT));
    }
    KeptChannelsFile.write(settings.runDir(), groups, edit.keptChannels());
    Complexity before = arch.complexity();
    out.printf(Locale.ROOT, "Pruned params: %.4fM, Pruned FLOPS: %.4fM (%.2f %% of %.4fM)%n",
        after.paramsMillions(), after.flopsMillions(), 100.0 * after.flops() / before.flops(), before.flopsMillions());
    out.flush();
    MemoryBankParts.clear(settings.runDir());
  }

  /** The teachers' logits, each reused from memory_bank/ when a killed prune phase left it there. */
  private FloatArray memoryBank(ChannelGroups groups, Map<String, FloatArray> weights, Path weightsFile,
      List<float[][]> teacherMasks) throws IOException {
    int batchSize = settings.fineTuning().valBatchSize();
    ByteArrayOutputStream context = new ByteArrayOutputStream();
    try (DataOutputStream o = new DataOutputStream(context)) {
      o.write(Files.readAllBytes(weightsFile));
      o.writeInt(batchSize);
      for (int label : data.train().labels()) {
        o.writeInt(label);
      }
    }
    MemoryBankParts parts = new MemoryBankParts(settings.runDir(), context.toByteArray());
    MemoryBank bank = new MemoryBank(data.train(), normalization, batchSize, progress);
    List<FloatArray> logits = new ArrayList<>();
    for (float[][] masks : teacherMasks) {
      String task = "memory bank teacher " + (logits.size() + 1) + "/" + teacherMasks.size();
      logits.add(parts.get(masks,
          () -> bank.slicedTeacher(settings.spec(), groups, weights, masks, settings.session(), task)));
      StopRequest.check("after memory-bank teacher " + logits.size() + " of " + teacherMasks.size()
          + " (saved: --resume reuses it)");
    }
    return MemoryBank.stack(logits);
  }

  /** Phase 3 (§6.8, §5.2): fine-tunes the slimmed network. */
  public void fineTune(RunState state) throws IOException, InterruptedException {
    Map<String, FloatArray> slim = WeightFiles.read(file(SLIMMED_PARAMS));
    FloatArray bank = settings.knowledge() ? readKnowledge() : null;
    try (Model model = Model.open(settings.spec(), slim, SLIMMED_PARAMS, settings.session())) {
      new FineTuning(model, settings.step(), settings.fineTuning().withMemoryBank(bank), settings.runDir(), out, progress)
          .run(data.train(), data.test(), normalization, state);
    }
  }

  /**
   * The final comparison of the original ({@code --trained_param}, when given) and the pruned network,
   * written to {@code summary.json}: params, FLOPs, test top-1 (inference-mode BN, as the per-epoch
   * test of fine-tuning), latency of both timed alternately, and each phase's time.
   */
  public RunSummary summarize(PhaseProgress phases) throws IOException {
    Complexity a = settings.spec().unpruned().complexity();
    Map<String, FloatArray> trained = WeightFiles.read(file(FineTuning.TRAINED_PARAMS));
    RunState state = RunState.read(settings.runDir());
    RunState.EpochRecord last = state.history().get(state.history().size() - 1);
    int latencyBatch = Math.min(settings.fineTuning().valBatchSize(), data.test().size());
    Double originalAccuracy = null;
    Double originalLatency = null;
    double prunedLatency;
    Complexity b;
    try (Model prunedModel = Model.open(settings.spec(), trained, FineTuning.TRAINED_PARAMS, settings.session())) {
      b = prunedModel.architecture().complexity();
      if (settings.trainedParam() == null) {
        prunedLatency = latencies(List.of(prunedModel), latencyBatch).get(0);
      } else {
        Path path = settings.trainedParam();
        try (Model original = Model.open(settings.spec(), WeightFiles.read(path), path.toString(), settings.session())) {
          try {
            originalAccuracy = 100 * Evaluation.run(original, BnMode.INFERENCE, data.test(), normalization,
                settings.fineTuning().valBatchSize(), false, progress, "test of the original network").top1();
          } catch (NonFiniteException e) {
            throw e.in("the test of " + path);
          }
          List<Double> both = latencies(List.of(original, prunedModel), latencyBatch);
          originalLatency = both.get(0);
          prunedLatency = both.get(1);
        }
      }
    }
    RunSummary summary = new RunSummary(settings.search().targetRate(), a.params(), a.flops(), b.params(), b.flops(),
        100.0 * (1 - (double) b.flops() / a.flops()), originalAccuracy, last.testAccuracy(), originalLatency,
        prunedLatency, originalLatency == null ? null : originalLatency / prunedLatency, latencyBatch,
        phases.seconds(SEARCH), phases.seconds(PRUNE), phases.seconds(FINETUNE));
    summary.write(settings.runDir());
    return summary;
  }

  /** Median milliseconds per batch of each model in inference mode, timed alternately. */
  private static List<Double> latencies(List<Model> models, int batchSize) {
    List<Latency.Target> targets = models.stream().map(m -> Latency.Target.of(m, BnMode.INFERENCE)).toList();
    return Latency.alternately(targets, batchSize, Latency.WARMUP_RUNS, Latency.DEFAULT_RUNS).stream().map(Latency.Measurement::medianMillis).toList();
  }
}
