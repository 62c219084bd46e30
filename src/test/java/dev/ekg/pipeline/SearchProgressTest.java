package dev.ekg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ekg.progress.PlainPolicy;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.prune.EkgSearch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The search's progress counts the FLOPs gap closed, its number of steps being unknown. */
class SearchProgressTest {
  @Test
  void theGapRunsFromAllFlopsToTheTarget() {
    assertEquals(0, SearchProgress.gapClosed(1, 0.45));
    assertEquals(500, SearchProgress.gapClosed(0.725, 0.45));
    assertEquals(200, SearchProgress.gapClosed(0.89, 0.45), "0.11 / 0.55 is 0.19999999999999998 in doubles");
    assertEquals(999, SearchProgress.gapClosed(0.4502, 0.45), "only the target ends the search");
    assertEquals(1000, SearchProgress.gapClosed(0.45, 0.45));
    assertEquals(1000, SearchProgress.gapClosed(0.4499, 0.45), "the last step may overshoot the target");
  }

  @Test
  void eachStepGoesToTheLogAndAdvancesTheGap() {
    StringWriter text = new StringWriter();
    long[] now = {0};
    ProgressReporter reporter = ProgressReporter.plain(new PrintWriter(text), PlainPolicy.percentOnly(10), () -> now[0]);
    List<Integer> logged = new ArrayList<>();
    try (SearchProgress progress = new SearchProgress(reporter, (step, state) -> logged.add(step.step()), 0.89, 0.45)) {
      double[] rates = {0.78, 0.67, 0.45};
      for (int s = 5; s <= 7; s++) {
        now[0] += 10_000_000_000L;
        progress.accepted(new EkgSearch.Step(s, 3, rates[s - 5], 1, 0.5, new double[0], new int[0], new double[0], 0),
            null);
      }
    }
    assertEquals(List.of(5, 6, 7), logged);
    assertEquals(List.of(
        "search (FLOPs gap closed): 40.0/100.0 %, 2.00 %/s, ETA 0:30, step 5, FLOPs rate 0.7800",
        "search (FLOPs gap closed): 60.0/100.0 %, 2.00 %/s, ETA 0:20, step 6, FLOPs rate 0.6700",
        "search (FLOPs gap closed): 100.0/100.0 %, 2.67 %/s, done in 0:30, step 7, FLOPs rate 0.4500"),
        text.toString().lines().toList());
  }
}
