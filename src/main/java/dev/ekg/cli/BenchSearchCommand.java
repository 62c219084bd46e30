package dev.ekg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ekg.data.CifarDataset;
import dev.ekg.data.Normalization;
import dev.ekg.data.ValidationSet;
import dev.ekg.io.AtomicFile;
import dev.ekg.io.FloatArray;
import dev.ekg.io.WeightFiles;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkSpec;
import dev.ekg.pipeline.PruningPipeline;
import dev.ekg.prune.EkgSearch;
import dev.ekg.prune.SearchGraph;
import dev.ekg.prune.SearchSubsets;
import dev.ekg.runtime.Accelerators;
import dev.ekg.runtime.SessionOptions;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.TensorFlow;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Times the EKG search's first steps with and without shared prefixes ({@code --search_cache}), in
 * interleaved rounds on the same model and data, and checks that both make the same decisions.
 */
@Command(
    name = "bench_search",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Times the first EKG search steps with shared prefixes (train_cifar --search_cache, the default) and without, "
          + "interleaved, and prints the time ratio and whether both made the same decisions.",
      "The search starts from --trained_param as given (no warm-up), on train_cifar's validation subset."
    })
public final class BenchSearchCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin private DataOptions data = new DataOptions();

  @CommandLine.Mixin private DeviceOptions device = new DeviceOptions();

  @Option(names = "--trained_param", required = true, description = "the trained network to search (.pkl or checkpoint prefix)")
  Path trainedParam;

  @Option(names = "--search_val_per_class", description = "validation images per class (default: ${DEFAULT-VALUE})")
  int valPerClass = SearchSubsets.REFERENCE_VAL_PER_CLASS;

  @Option(names = "--search_batch_size", description = "batch of the validation subset (default: ${DEFAULT-VALUE})")
  int batchSize = 256;

  @Option(names = "--search_target_rate", description = "fraction of FLOPs to keep (default: ${DEFAULT-VALUE})")
  double targetRate = .45;

  @Option(names = "--steps", description = "search steps per timed run (default: ${DEFAULT-VALUE})")
  int steps = 3;

  @Option(names = "--rounds", description = "rounds of one run each way, alternating which goes first (default: ${DEFAULT-VALUE})")
  int rounds = 3;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the JSON record to FILE")
  Path json;

  /** One timed search: its wall time and its accepted steps. */
  private record Run(double seconds, List<EkgSearch.Step> steps) {}

  @Override
  public Integer call() throws Exception {
    if (steps < 1 || rounds < 1) {
      throw new IllegalArgumentException("--steps and --rounds must be ≥ 1, got " + steps + " and " + rounds);
    }
    PrintWriter out = spec.commandLine().getOut();
    NetworkSpec network = data.spec();
    SessionOptions options = device.sessionOptions();
    Map<String, FloatArray> weights = WeightFiles.read(trainedParam);
    CifarDataset train = data.read().train();
    ValidationSet val = PruningPipeline.searchValidation(train,
        SearchSubsets.of(train.labels(), train.numClasses(), valPerClass, SearchSubsets.REFERENCE_TRAIN_PER_CLASS),
        Normalization.of(data.variant()), batchSize);
    List<Run> plain = new ArrayList<>();
    List<Run> shared = new ArrayList<>();
    try (Model model = Model.openGated(network, weights, trainedParam.toString(), options)) {
      SearchGraph whole = new SearchGraph(model, batchSize, false);
      SearchGraph cached = new SearchGraph(model, batchSize, true);
      for (int r = 0; r < rounds; r++) {
        boolean plainFirst = r % 2 == 0;
        for (boolean share : plainFirst ? new boolean[] {false, true} : new boolean[] {true, false}) {
          Run run = search(model, share ? cached : whole, val);
          (share ? shared : plain).add(run);
          out.printf(Locale.ROOT, "round %d, %s: %.1f s%n", r + 1, share ? "search_cache" : "plain", run.seconds());
          out.flush();
        }
      }
    }
    double plainMedian = median(plain);
    double sharedMedian = median(shared);
    List<String> disagreements = disagreements(plain, shared);
    out.printf(Locale.ROOT, "%s, %d search steps on %d images (batches of %d): search_cache %.1f s, plain %.1f s "
            + "(medians of %d rounds), ratio %.2f; decisions %s%n",
        network.archName(), steps, val.size(), batchSize, sharedMedian, plainMedian, rounds, sharedMedian / plainMedian,
        disagreements.isEmpty() ? "identical (shortlists, candidate scores, chosen gates, losses, widths)"
            : "DIFFER: " + String.join("; ", disagreements));
    out.flush();
    if (json != null) {
      writeJson(network, val, plain, shared, disagreements);
    }
    return disagreements.isEmpty() ? 0 : 1;
  }

  private Run search(Model model, SearchGraph graph, ValidationSet val) {
    EkgSearch search = new EkgSearch(model, graph, graph, val, new EkgSearch.Settings(targetRate, .2));
    List<EkgSearch.Step> accepted = new ArrayList<>();
    long start = System.nanoTime();
    search.run((step, state) -> accepted.add(step), search.start(), steps);
    return new Run((System.nanoTime() - start) / 1e9, accepted);
  }

  private static double median(List<Run> runs) {
    double[] seconds = runs.stream().mapToDouble(Run::seconds).sorted().toArray();
    int n = seconds.length;
    return n % 2 == 1 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
  }

  /** Every run against the first plain one: the first step where each differs. */
  private static List<String> disagreements(List<Run> plain, List<Run> shared) {
    List<EkgSearch.Step> reference = plain.get(0).steps();
    List<String> found = new ArrayList<>();
    for (String way : List.of("plain", "search_cache")) {
      List<Run> runs = way.equals("plain") ? plain : shared;
      for (int r = 0; r < runs.size(); r++) {
        List<EkgSearch.Step> steps = runs.get(r).steps();
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

  private void writeJson(NetworkSpec network, ValidationSet val, List<Run> plain, List<Run> shared,
      List<String> disagreements) throws java.io.IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode record = mapper.createObjectNode();
    record.put("arch", network.archName());
    record.put("steps", steps);
    record.put("images", val.size());
    record.put("batch", batchSize);
    ArrayNode plainSeconds = record.putArray("plain_s");
    plain.forEach(r -> plainSeconds.add(r.seconds()));
    ArrayNode sharedSeconds = record.putArray("search_cache_s");
    shared.forEach(r -> sharedSeconds.add(r.seconds()));
    record.put("ratio", median(shared) / median(plain));
    // the unpruned network's evaluation, then one per candidate of every step
    record.put("evaluations", 1 + plain.get(0).steps().stream().mapToInt(s -> s.evaluated().length).sum());
    record.put("decisions_identical", disagreements.isEmpty());
    record.put("tf_runtime", TensorFlow.version());
    record.put("processor", Accelerators.processorLabel());
    byte[] line = (mapper.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
    AtomicFile.write(json, o -> o.write(line));
  }
}
