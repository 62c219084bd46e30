package dev.ekg.report;

import dev.ekg.pipeline.RunSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of a pruning run as one table: the baseline (the network given to prune) and the pruned
 * network side by side (test top-1, params, FLOPs, FLOPs reduction, latency, speed-up), the FLOPs
 * target and each phase's wall time. Built from a {@link RunSummary} ({@code summary.json}); rendered
 * as plain text for the console ({@link #text}) and as Markdown ({@link #markdown}); {@link #numbers}
 * gives its values by name, as {@code report.json} holds them. Numbers the run did not measure (the
 * baseline's without {@code --trained_param}) read {@code n/a}, and null in {@link #numbers}.
 */
public final class ResultTable {
  private static final String NOT_MEASURED = "n/a";
  private static final List<String> HEADER = List.of("network", "top-1 (%)", "params (M)", "FLOPs (M)",
      "FLOPs reduction (%)", "latency (ms)", "speed-up");

  private final RunSummary summary;

  public ResultTable(RunSummary summary) {
    this.summary = summary;
  }

  /** The table of the {@code train_cifar} run in {@code runDir}, from its {@code summary.json}. */
  public static ResultTable read(Path runDir) throws IOException {
    return new ResultTable(RunSummary.read(runDir));
  }

  public RunSummary summary() {
    return summary;
  }

  /**
   * The values by name: {@code baseline_top1}, {@code pruned_top1} (%), {@code flops_reduction} (%),
   * {@code latency_speedup}, then {@code baseline_params}, {@code pruned_params}, {@code baseline_flops},
   * {@code pruned_flops} (counts), {@code baseline_latency_ms}, {@code pruned_latency_ms},
   * {@code latency_batch_size}, {@code search_target_rate} (fraction) and the phases' seconds.
   */
  public Map<String, Object> numbers() {
    RunSummary s = summary;
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("baseline_top1", s.originalTestAccuracyPercent());
    n.put("pruned_top1", s.testAccuracyPercent());
    n.put("flops_reduction", s.flopsReductionPercent());
    n.put("latency_speedup", s.latencySpeedup());
    n.put("baseline_params", s.originalParams());
    n.put("pruned_params", s.prunedParams());
    n.put("baseline_flops", s.originalFlops());
    n.put("pruned_flops", s.prunedFlops());
    n.put("baseline_latency_ms", s.originalLatencyMs());
    n.put("pruned_latency_ms", s.prunedLatencyMs());
    n.put("latency_batch_size", s.latencyBatchSize());
    n.put("search_target_rate", s.searchTargetRate());
    n.put("search_seconds", s.searchSeconds());
    n.put("prune_seconds", s.pruneSeconds());
    n.put("fine_tune_seconds", s.fineTuneSeconds());
    n.put("total_seconds", totalSeconds());
    return n;
  }

  /** Columns aligned with spaces, then the notes and the wall-time line; ends with a newline. */
  public String text() {
    List<List<String>> rows = rows();
    int[] width = new int[HEADER.size()];
    for (List<String> row : rows) {
      for (int c = 0; c < row.size(); c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      for (int c = 0; c < row.size(); c++) {
        String cell = row.get(c);
        String pad = " ".repeat(width[c] - cell.length());
        out.append(c == 0 ? cell + pad : "  " + pad + cell);
      }
      out.append('\n');
    }
    for (String note : notes()) {
      out.append(note).append('\n');
    }
    out.append(String.format(Locale.ROOT, "wall time: search %.1f s, prune %.1f s, fine-tune %.1f s, total %.1f s%n",
        summary.searchSeconds(), summary.pruneSeconds(), summary.fineTuneSeconds(), totalSeconds()));
    return out.toString();
  }

  /** A Markdown table of the two networks, the notes, and a table of the phases' wall time. */
  public String markdown() {
    StringBuilder out = new StringBuilder();
    List<List<String>> rows = rows();
    out.append(markdownRow(rows.get(0)));
    out.append("|---").append("|---:".repeat(HEADER.size() - 1)).append("|\n");
    for (List<String> row : rows.subList(1, rows.size())) {
      out.append(markdownRow(row));
    }
    out.append('\n').append(String.join(" ", notes())).append("\n\n");
    out.append("| phase | wall time (s) |\n|---|---:|\n");
    out.append(String.format(Locale.ROOT, "| search | %.1f |%n| prune | %.1f |%n| fine-tune | %.1f |%n| total | %.1f |%n",
        summary.searchSeconds(), summary.pruneSeconds(), summary.fineTuneSeconds(), totalSeconds()));
    return out.toString();
  }

  private double totalSeconds() {
    return summary.searchSeconds() + summary.pruneSeconds() + summary.fineTuneSeconds();
  }

  private List<List<String>> rows() {
    RunSummary s = summary;
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    rows.add(List.of("baseline", orNotMeasured("%.2f", s.originalTestAccuracyPercent()),
        String.format(Locale.ROOT, "%.4f", s.originalParams() / 1e6),
        String.format(Locale.ROOT, "%.2f", s.originalFlops() / 1e6), "–",
        orNotMeasured("%.2f", s.originalLatencyMs()), s.latencySpeedup() == null ? NOT_MEASURED : "1.00×"));
    rows.add(List.of("pruned", String.format(Locale.ROOT, "%.2f", s.testAccuracyPercent()),
        String.format(Locale.ROOT, "%.4f", s.prunedParams() / 1e6),
        String.format(Locale.ROOT, "%.2f", s.prunedFlops() / 1e6),
        String.format(Locale.ROOT, "%.2f", s.flopsReductionPercent()),
        String.format(Locale.ROOT, "%.2f", s.prunedLatencyMs()), orNotMeasured("%.2f×", s.latencySpeedup())));
    return rows;
  }

  private List<String> notes() {
    RunSummary s = summary;
    List<String> notes = new ArrayList<>();
    boolean baseline = s.originalTestAccuracyPercent() != null;
    notes.add("FLOPs target: " + Format.compact(100 * s.searchTargetRate()) + " % of the baseline's FLOPs; the pruned "
        + String.format(Locale.ROOT, "network keeps %.2f %%.", 100.0 * s.prunedFlops() / s.originalFlops()));
    notes.add("Top-1 on the test set with inference-mode BN (moving statistics); latency: median ms per batch of "
        + s.latencyBatchSize() + " images in inference mode" + (baseline ? ", the two networks timed alternately." : "."));
    if (!baseline) {
      notes.add("The baseline's top-1 and latency are not measured: the run was not given --trained_param.");
    }
    return notes;
  }

  private static String orNotMeasured(String format, Double value) {
    return value == null ? NOT_MEASURED : String.format(Locale.ROOT, format, value);
  }

  private static String markdownRow(List<String> cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }
}
