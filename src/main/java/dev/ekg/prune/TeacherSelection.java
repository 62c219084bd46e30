package dev.ekg.prune;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Picks the memory bank's teachers from the search history by validation loss (reference §6.7,
 * {@code build_memory_bank}), excluding the final network:
 *
 * <ol>
 *   <li>sort the entries by loss ({@code np.argsort}) and add {@code i·1e-12} to the i-th sorted
 *       loss;
 *   <li>targets {@code np.arange(min, max, (max − min)/count)} ({@link NumpyArange});
 *   <li>for each target in order, the unused entry with the nearest loss (the lowest on ties).
 * </ol>
 *
 * Teacher 0 is therefore the lowest-loss entry. Edge cases where the reference misbehaves, fixed:
 *
 * <ul>
 *   <li>the float {@code arange} can give count + 1 targets: only the first {@code count} are
 *       used (the picks the reference makes for them are unchanged);
 *   <li>max = min (a single entry, or equal losses so large that {@code i·1e-12} is lost in
 *       rounding): the reference divides by zero; here every target is min;
 *   <li>fewer entries than {@code count}: the reference repeats entry 0 once all are used (its
 *       "used" marker is a loss of 1e6); here each entry is a teacher once, in pick order, so
 *       the bank has {@code min(count, entries)} teachers;
 *   <li>a used entry is never picked again, even where the 1e6 marker would be nearer to a target
 *       than every unused loss (losses above ~5e5);
 *   <li>equal losses keep their history order (a stable sort; NumPy's quicksort is stable only
 *       up to 16 entries).
 * </ul>
 */
public final class TeacherSelection {
  private static final double TIE_BREAK = 1e-12;

  private TeacherSelection() {}

  /**
   * {@link #select} on a search history: indices into {@code history} of the teachers among its
   * interim networks (every entry but the last, the final network).
   */
  public static int[] fromHistory(List<SubNetwork> history, int count) {
    return select(history.subList(0, Math.max(0, history.size() - 1)).stream().mapToDouble(SubNetwork::valLoss).toArray(), count);
  }

  /**
   * Indices into {@code losses} (the history's validation losses, final network excluded), in
   * teacher order; {@code min(count, losses.length)} of them.
   *
   * @throws IllegalArgumentException if count &lt; 1, the history is empty or a loss is not finite
   */
  public static int[] select(double[] losses, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("--num_teacher must be at least 1, got " + count);
    }
    int n = losses.length;
    if (n == 0) {
      throw new IllegalArgumentException("the search history is empty: no teacher to choose");
    }
    if (!Arrays.stream(losses).allMatch(Double::isFinite)) {
      throw new IllegalArgumentException("teacher losses must be finite: " + Arrays.toString(losses));
    }
    int[] byLoss = IntStream.range(0, n).boxed()
        .sorted(Comparator.comparingDouble(i -> losses[i])).mapToInt(Integer::intValue).toArray();
    double[] keyed = new double[n];
    for (int i = 0; i < n; i++) {
      keyed[i] = losses[byLoss[i]] + i * TIE_BREAK;
    }
    double[] targets = targets(keyed[0], keyed[n - 1], count);
    boolean[] used = new boolean[n];
    int[] teachers = new int[Math.min(count, n)];
    for (int k = 0; k < teachers.length; k++) {
      int best = -1;
      for (int i = 0; i < n; i++) {
        if (!used[i] && (best < 0 || Math.abs(targets[k] - keyed[i]) < Math.abs(targets[k] - keyed[best]))) {
          best = i;
        }
      }
      used[best] = true;
      teachers[k] = byLoss[best];
    }
    return teachers;
  }

  /** The first {@code count} values of the reference's {@code arange}; all min when max = min. */
  private static double[] targets(double min, double max, int count) {
    double step = (max - min) / count;
    if (!(step > 0)) {
      double[] same = new double[count];
      Arrays.fill(same, min);
      return same;
    }
    return Arrays.copyOf(NumpyArange.arange(min, max, step), count);
  }
}
