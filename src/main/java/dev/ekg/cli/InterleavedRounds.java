package dev.ekg.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Two ways of doing the same work, timed round by round on the same machine, alternating which
 * goes first, so that a change of load or of warm caches falls on both: the benchmarks' only way to
 * measure a speed-up.
 *
 * @param <T> what one run produces, kept to check that both ways agree
 */
final class InterleavedRounds<T> {
  /** One timed run. */
  record Run<T>(double seconds, T result) {}

  private final String baselineName;
  private final String candidateName;
  private final List<Run<T>> baseline = new ArrayList<>();
  private final List<Run<T>> candidate = new ArrayList<>();

  private InterleavedRounds(String baselineName, String candidateName) {
    this.baselineName = baselineName;
    this.candidateName = candidateName;
  }

  /** Runs both ways {@code rounds} times, the baseline first in odd rounds, printing each time. */
  static <T> InterleavedRounds<T> run(int rounds, String baselineName, Supplier<T> baseline, String candidateName,
      Supplier<T> candidate, PrintWriter out) {
    InterleavedRounds<T> measured = new InterleavedRounds<>(baselineName, candidateName);
    for (int r = 0; r < rounds; r++) {
      boolean baselineFirst = r % 2 == 0;
      for (boolean isBaseline : baselineFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
        long start = System.nanoTime();
        T result = (isBaseline ? baseline : candidate).get();
        Run<T> run = new Run<>((System.nanoTime() - start) / 1e9, result);
        (isBaseline ? measured.baseline : measured.candidate).add(run);
        out.printf(Locale.ROOT, "round %d, %s: %.1f s%n", r + 1, isBaseline ? baselineName : candidateName,
            run.seconds());
        out.flush();
      }
    }
    return measured;
  }

  List<Run<T>> baseline() {
    return baseline;
  }

  List<Run<T>> candidate() {
    return candidate;
  }

  double baselineMedian() {
    return median(baseline);
  }

  double candidateMedian() {
    return median(candidate);
  }

  /** Candidate time over baseline time, medians over the rounds. */
  double ratio() {
    return candidateMedian() / baselineMedian();
  }

  /** "candidate X s, baseline Y s (medians of R rounds), ratio Z". */
  String summary() {
    return String.format(Locale.ROOT, "%s %.1f s, %s %.1f s (medians of %d rounds), ratio %.2f", candidateName,
        candidateMedian(), baselineName, baselineMedian(), baseline.size(), ratio());
  }

  /** Each way's run times in seconds, as two arrays of {@code record}. */
  void putSeconds(ObjectNode record, String baselineField, String candidateField) {
    ArrayNode baselineSeconds = record.putArray(baselineField);
    baseline.forEach(r -> baselineSeconds.add(r.seconds()));
    ArrayNode candidateSeconds = record.putArray(candidateField);
    candidate.forEach(r -> candidateSeconds.add(r.seconds()));
  }

  private static double median(List<? extends Run<?>> runs) {
    double[] seconds = runs.stream().mapToDouble(Run::seconds).sorted().toArray();
    int n = seconds.length;
    return n % 2 == 1 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
  }
}
