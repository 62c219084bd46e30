package dev.ekg.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ekg.data.CifarDataset;
import dev.ekg.data.Normalization;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.FloatArray;
import dev.ekg.io.WeightFiles;
import dev.ekg.model.Architecture;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkSpec;
import dev.ekg.pipeline.PruningPipeline;
import dev.ekg.pipeline.SearchHistoryFile;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.prune.MemoryBank;
import dev.ekg.prune.SubNetwork;
import dev.ekg.prune.TeacherSelection;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * {@code bench_search --memory_bank RUN}: the memory bank of a finished search, its teachers run
 * physically pruned (as {@code train_cifar} does) and masked (as the reference does), interleaved;
 * prints the time ratio and the largest relative difference of the teachers' logits.
 */
final class MemoryBankBench {
  /** The bound within which sliced teachers must give the masked teachers' logits (relative to max |logit|). */
  static final double LOGIT_TOLERANCE = 1e-4;

  private final NetworkSpec spec;
  private final SessionOptions options;
  private final Map<String, FloatArray> weights;
  private final Architecture unpruned;
  private final ChannelGroups groups;
  private final List<SubNetwork> teachers = new ArrayList<>();

  MemoryBankBench(NetworkSpec spec, SessionOptions options, Path run, int numTeacher) throws IOException {
    Path warmed = run.resolve(PruningPipeline.WARMED_PARAMS);
    if (!Files.isRegularFile(warmed) || !Files.isRegularFile(run.resolve(SearchHistoryFile.FILE))) {
      throw new IllegalArgumentException("--memory_bank " + run + ": expected a train_cifar --train_path whose search "
          + "phase finished (" + PruningPipeline.WARMED_PARAMS + " and " + SearchHistoryFile.FILE + "), found none");
    }
    this.spec = spec;
    this.options = options;
    this.weights = WeightFiles.read(warmed);
    this.unpruned = spec.fromWeights(weights, warmed.toString());
    this.groups = unpruned.channelGroups();
    List<SubNetwork> history = SearchHistoryFile.read(run).history();
    for (int t : TeacherSelection.fromHistory(history, numTeacher)) {
      teachers.add(history.get(t));
    }
  }

  /** @return the exit code: 0, or 1 when a teacher's logits differ by more than {@link #LOGIT_TOLERANCE} */
  int run(CifarDataset train, Normalization normalization, Integer images, int batchSize, int rounds, PrintWriter out,
      Path json) throws IOException {
    if (images != null && (images < 1 || images > train.size())) {
      throw new IllegalArgumentException("--images must be 1–" + train.size() + ", got " + images);
    }
    CifarDataset used = images == null ? train : train.subset(IntStream.range(0, images).toArray());
    MemoryBank bank = new MemoryBank(used, normalization, batchSize,
        ProgressReporter.plain(new PrintWriter(new StringWriter())));
    InterleavedRounds<List<FloatArray>> measured;
    try (Model gated = Model.gated(unpruned, weights, options)) {
      measured = InterleavedRounds.run(rounds,
          "masked", () -> teachers.stream().map(t -> bank.maskedTeacher(gated, t.masks(), "masked")).toList(),
          "sliced", () -> teachers.stream()
              .map(t -> bank.slicedTeacher(spec, groups, weights, t.masks(), options, "sliced")).toList(),
          out);
    }
    double difference = largestDifference(measured);
    double[] flops = teachers.stream().mapToDouble(this::flopsFraction).toArray();
    out.printf(Locale.ROOT, "%s, memory bank of %d teachers (%s of the FLOPs) on %d images (batches of %d): %s; "
            + "logits within %.1e of the masked teachers' (relative to max |logit|; bound %.0e)%n",
        spec.archName(), teachers.size(), percentages(flops), used.size(), batchSize, measured.summary(), difference,
        LOGIT_TOLERANCE);
    out.flush();
    if (json != null) {
      ObjectNode record = BenchRecord.create();
      record.put("arch", spec.archName());
      record.put("mode", "memory_bank");
      record.put("images", used.size());
      record.put("batch", batchSize);
      ArrayNode teacherFlops = record.putArray("teacher_flops_fraction");
      for (double f : flops) {
        teacherFlops.add(f);
      }
      measured.putSeconds(record, "masked_s", "sliced_s");
      record.put("ratio", measured.ratio());
      record.put("max_relative_difference", difference);
      BenchRecord.write(json, record);
    }
    return difference <= LOGIT_TOLERANCE ? 0 : 1;
  }

  private double flopsFraction(SubNetwork teacher) {
    return (double) groups.complexity(teacher.keptCounts()).flops() / unpruned.complexity().flops();
  }

  private static String percentages(double[] fractions) {
    List<String> shown = new ArrayList<>();
    for (double f : fractions) {
      shown.add(String.format(Locale.ROOT, "%.0f %%", 100 * f));
    }
    return String.join(", ", shown);
  }

  /** The largest difference of any sliced run's teacher logits from the first masked run's, relative to its max |logit|. */
  private static double largestDifference(InterleavedRounds<List<FloatArray>> measured) {
    List<FloatArray> reference = measured.baseline().get(0).result();
    double largest = 0;
    for (InterleavedRounds.Run<List<FloatArray>> run : measured.candidate()) {
      for (int t = 0; t < reference.size(); t++) {
        largest = Math.max(largest, relativeDifference(reference.get(t).data(), run.result().get(t).data()));
      }
    }
    return largest;
  }

  private static double relativeDifference(float[] reference, float[] other) {
    double maxDiff = 0;
    double maxRef = 0;
    for (int i = 0; i < reference.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(reference[i] - other[i]));
      maxRef = Math.max(maxRef, Math.abs(reference[i]));
    }
    return maxDiff / Math.max(maxRef, Float.MIN_NORMAL);
  }
}
