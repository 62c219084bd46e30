package dev.ekg.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ekg.pipeline.RunSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultTableTest {
  /** ResNet-56 pruned to 45 % of its FLOPs (the numbers are made up apart from the original's counts). */
  private static final RunSummary PRUNED_RESNET56 = new RunSummary(0.45, 860_026, 126_837_376, 495_706, 57_069_376,
      55.0053, 93.39, 92.1, 210.34, 140.2, 1.5002853067, 256, 300.24, 50.06, 120.3);
  /** A --phase finetune run without --trained_param: nothing measured of the baseline. */
  private static final RunSummary NO_BASELINE = new RunSummary(0.3, 274_042, 41_214_592, 100_000, 12_000_000, 70.88,
      null, 40.5, null, 12.5, null, 100, 0, 0, 30.04);

  @Test
  void textAlignsTheColumnsAndEndsWithTheNotesAndWallTimes() {
    assertEquals(String.join("\n",
        "network   top-1 (%)  params (M)  FLOPs (M)  FLOPs reduction (%)  latency (ms)  speed-up",
        "baseline      93.39      0.8600     126.84                    –        210.34     1.00×",
        "pruned        92.10      0.4957      57.07                55.01        140.20     1.50×",
        "FLOPs target: 45 % of the baseline's FLOPs; the pruned network keeps 44.99 %.",
        "Top-1 on the test set with inference-mode BN (moving statistics); latency: median ms per batch of 256 "
            + "images in inference mode, the two networks timed alternately.",
        "wall time: search 300.2 s, prune 50.1 s, fine-tune 120.3 s, total 470.6 s", ""),
        new ResultTable(PRUNED_RESNET56).text());
  }

  @Test
  void markdownIsATableOfTheNetworksThenOneOfThePhases() {
    assertEquals(String.join("\n",
        "| network | top-1 (%) | params (M) | FLOPs (M) | FLOPs reduction (%) | latency (ms) | speed-up |",
        "|---|---:|---:|---:|---:|---:|---:|",
        "| baseline | 93.39 | 0.8600 | 126.84 | – | 210.34 | 1.00× |",
        "| pruned | 92.10 | 0.4957 | 57.07 | 55.01 | 140.20 | 1.50× |",
        "",
        "FLOPs target: 45 % of the baseline's FLOPs; the pruned network keeps 44.99 %. Top-1 on the test set with "
            + "inference-mode BN (moving statistics); latency: median ms per batch of 256 images in inference mode, "
            + "the two networks timed alternately.",
        "",
        "| phase | wall time (s) |",
        "|---|---:|",
        "| search | 300.2 |",
        "| prune | 50.1 |",
        "| fine-tune | 120.3 |",
        "| total | 470.6 |", ""),
        new ResultTable(PRUNED_RESNET56).markdown());
  }

  @Test
  void numbersAreTheSummarysByTheReportsNames() {
    Map<String, Object> n = new ResultTable(PRUNED_RESNET56).numbers();
    assertEquals(List.of("baseline_top1", "pruned_top1", "flops_reduction", "latency_speedup", "baseline_params",
        "pruned_params", "baseline_flops", "pruned_flops", "baseline_latency_ms", "pruned_latency_ms",
        "latency_batch_size", "search_target_rate", "search_seconds", "prune_seconds", "fine_tune_seconds",
        "total_seconds"), List.copyOf(n.keySet()));
    assertEquals(93.39, n.get("baseline_top1"));
    assertEquals(92.1, n.get("pruned_top1"));
    assertEquals(55.0053, n.get("flops_reduction"));
    assertEquals(1.5002853067, n.get("latency_speedup"));
    assertEquals(57_069_376L, n.get("pruned_flops"));
    assertEquals(300.24 + 50.06 + 120.3, (double) n.get("total_seconds"), 1e-9);
  }

  @Test
  void whatTheRunDidNotMeasureReadsNotAvailable() {
    ResultTable table = new ResultTable(NO_BASELINE);
    assertEquals(String.join("\n",
        "network   top-1 (%)  params (M)  FLOPs (M)  FLOPs reduction (%)  latency (ms)  speed-up",
        "baseline        n/a      0.2740      41.21                    –           n/a       n/a",
        "pruned        40.50      0.1000      12.00                70.88         12.50       n/a",
        "FLOPs target: 30 % of the baseline's FLOPs; the pruned network keeps 29.12 %.",
        "Top-1 on the test set with inference-mode BN (moving statistics); latency: median ms per batch of 100 "
            + "images in inference mode.",
        "The baseline's top-1 and latency are not measured: the run was not given --trained_param.",
        "wall time: search 0.0 s, prune 0.0 s, fine-tune 30.0 s, total 30.0 s", ""), table.text());
    assertEquals("| baseline | n/a | 0.2740 | 41.21 | – | n/a | n/a |", table.markdown().lines().toList().get(2));
    assertNull(table.numbers().get("baseline_top1"));
    assertNull(table.numbers().get("latency_speedup"));
  }

  @Test
  void readBuildsTheTableOfARunsSummaryFile(@TempDir Path dir) throws IOException {
    PRUNED_RESNET56.write(dir);
    assertEquals(new ResultTable(PRUNED_RESNET56).markdown(), ResultTable.read(dir).markdown());
    assertEquals(PRUNED_RESNET56, RunSummary.read(dir));
  }
}
