package dev.ekg.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ekg.data.CifarDataset;
import dev.ekg.data.Normalization;
import dev.ekg.data.ValidationSet;
import dev.ekg.io.FloatArray;
import dev.ekg.io.WeightFiles;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkSpec;
import dev.ekg.pipeline.PruningPipeline;
import dev.ekg.prune.EkgSearch;
import dev.ekg.prune.SearchGraph;
import dev.ekg.prune.SearchSubsets;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Times the EKG search's first steps with and without shared prefixes ({@code --search_cache}), in
 * interleaved rounds on the same model and data, and checks that both make the same decisions; with
 * {@code --memory_bank RUN}, times the memory bank of a finished search instead ({@link MemoryBankBench}).
 */
@Command(
    name = "bench_search",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Times the first EKG search steps with shared prefixes (train_cifar --search_cache, the default) and without, "
          + "interleaved, and prints the time ratio and whether both made the same decisions.",
      "The search starts from --trained_param as given (no warm-up), on train_cifar's validation subset.",
      "With --memory_bank RUN it times RUN's memory bank instead: its teachers physically pruned (train_cifar's way) "
          + "against the reference's masked network, and prints the ratio and the largest logit difference."
    })
public final class BenchSearchCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin private DataOptions data = new DataOptions();

  @CommandLine.Mixin private DeviceOptions device = new DeviceOptions();

  @Option(names = "--trained_param", description = "the trained network to search (.pkl or checkpoint prefix)")
  Path trainedParam;

  @Option(names = "--search_val_per_class", description = "validation images per class (default: ${DEFAULT-VALUE})")
  int valPerClass = SearchSubsets.REFERENCE_VAL_PER_CLASS;

  @Option(names = "--search_batch_size", description = "batch of the validation subset (default: ${DEFAULT-VALUE})")
  int batchSize = 256;

  @Option(names = "--search_target_rate", description = "fraction of FLOPs to keep (default: ${DEFAULT-VALUE})")
  double targetRate = .45;

  @Option(names = "--steps", description = "search steps per timed run (default: ${DEFAULT-VALUE})")
  int steps = 3;

  @Option(names = "--memory_bank", paramLabel = "RUN",
      description = "time the memory bank of RUN (a train_cifar --train_path whose search phase finished) instead of the search")
  Path memoryBankRun;

  @Option(names = "--num_teacher", description = "memory-bank mode: teachers chosen from RUN's search (default: ${DEFAULT-VALUE})")
  int numTeacher = 5;

  @Option(names = "--images", description = "memory-bank mode: the first N training images (default: all)")
  Integer images;

  @Option(names = "--val_batch_size", description = "memory-bank mode: images per batch (default: ${DEFAULT-VALUE})")
  int valBatchSize = 256;

  @Option(names = "--rounds", description = "rounds of one run each way, alternating which goes first (default: ${DEFAULT-VALUE})")
  int rounds = 3;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the JSON record to FILE")
  Path json;

  @Override
  public Integer call() throws Exception {
    if (steps < 1 || rounds < 1) {
      throw new IllegalArgumentException("--steps and --rounds must be ≥ 1, got " + steps + " and " + rounds);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (memoryBankRun != null) {
      MemoryBankBench bench = new MemoryBankBench(data.spec(), device.sessionOptions(), memoryBankRun, numTeacher);
      return bench.run(data.read().train(), Normalization.of(data.variant()), images, valBatchSize, rounds, out,
          json);
    }
    if (trainedParam == null) {
      throw new IllegalArgumentException("--trained_param is required (or --memory_bank RUN for the memory bank)");
    }
    return benchSearch(out);
  }

  private int benchSearch(PrintWriter out) throws IOException {
    NetworkSpec network = data.spec();
    SessionOptions options = device.sessionOptions();
    Map<String, FloatArray> weights = WeightFiles.read(trainedParam);
    CifarDataset train = data.read().train();
    ValidationSet val = PruningPipeline.searchValidation(train,
        SearchSubsets.of(train.labels(), train.numClasses(), valPerClass, SearchSubsets.REFERENCE_TRAIN_PER_CLASS),
        Normalization.of(data.variant()), batchSize);
    InterleavedRounds<List<EkgSearch.Step>> measured;
    try (Model model = Model.openGated(network, weights, trainedParam.toString(), options)) {
      SearchGraph whole = new SearchGraph(model, batchSize, false);
      SearchGraph cached = new SearchGraph(model, batchSize, true);
      measured = InterleavedRounds.run(rounds, "plain", () -> search(model, whole, val),
          "search_cache", () -> search(model, cached, val), out);
    }
    List<String> disagreements = disagreements(measured);
    int stepsRun = measured.baseline().get(0).result().size();
    out.printf(Locale.ROOT, "%s, %d search steps%s on %d images (batches of %d): %s; decisions %s%n",
        network.archName(), stepsRun, stepsRun < steps ? " (the whole search, to " + targetRate + ")" : "",
        val.size(), batchSize, measured.summary(),
        disagreements.isEmpty() ? "identical (shortlists, candidate scores, chosen gates, losses, widths)"
            : "DIFFER: " + String.join("; ", disagreements));
    out.flush();
    if (json != null) {
      ObjectNode record = BenchRecord.create();
      record.put("arch", network.archName());
      record.put("steps", stepsRun);
      record.put("steps_limit", steps);
      record.put("images", val.size());
      record.put("batch", batchSize);
      measured.putSeconds(record, "plain_s", "search_cache_s");
      record.put("ratio", measured.ratio());
      // the unpruned network's evaluation, then one per candidate of every step
      record.put("evaluations",
          1 + measured.baseline().get(0).result().stream().mapToInt(s -> s.evaluated().length).sum());
      record.put("decisions_identical", disagreements.isEmpty());
      BenchRecord.write(json, record);
    }
    return disagreements.isEmpty() ? 0 : 1;
  }

  private List<EkgSearch.Step> search(Model model, SearchGraph graph, ValidationSet val) {
    EkgSearch search = new EkgSearch(model, graph, graph, val, new EkgSearch.Settings(targetRate, .2));
    List<EkgSearch.Step> accepted = new ArrayList<>();
    search.run((step, state) -> accepted.add(step), search.start(), steps);
    return accepted;
  }

  /** Every run against the first plain one: the first step where each differs. */
  private static List<String> disagreements(InterleavedRounds<List<EkgSearch.Step>> measured) {
    List<EkgSearch.Step> reference = measured.baseline().get(0).result();
    List<String> found = new ArrayList<>();
    for (String way : List.of("plain", "search_cache")) {
      List<InterleavedRounds.Run<List<EkgSearch.Step>>> runs =
          way.equals("plain") ? measured.baseline() : measured.candidate();
      for (int r = 0; r < runs.size(); r++) {
        List<EkgSearch.Step> steps = runs.get(r).result();
        for (int k = 0; k < reference.size(); k++) {
          if (k >= steps.size() || !sameDecision(reference.get(k), steps.get(k))) {
            found.add(way + " run " + (r + 1) + " step " + (k + 1));
            break;
          }
        }
      }
    }
    return found;
  }

  private static boolean sameDecision(EkgSearch.Step a, EkgSearch.Step b) {
    return Arrays.equals(a.evaluated(), b.evaluated()) && Arrays.equals(a.scores(), b.scores())
        && a.gate() == b.gate() && a.valLoss() == b.valLoss() && Arrays.equals(a.widths(), b.widths());
  }
}
