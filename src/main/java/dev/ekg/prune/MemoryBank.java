package dev.ekg.prune;

import dev.ekg.data.CifarDataset;
import dev.ekg.data.Normalization;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.ChannelRounding;
import dev.ekg.io.FloatArray;
import dev.ekg.model.LogitsPass;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkSpec;
import dev.ekg.nn.BnMode;
import dev.ekg.nn.NonFiniteException;
import dev.ekg.progress.Progress;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.progress.ProgressUnit;
import dev.ekg.runtime.InOrderRuns;
import dev.ekg.runtime.SessionOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The memory bank of reference §6.7: the logits of every teacher sub-network on the whole training
 * set, un-augmented, in dataset order, BN on batch statistics of {@code batchSize}-image batches
 * without moving-average updates, stored as {@code [N, classes, teachers]} (teacher 0 the best).
 *
 * <p>A teacher runs {@linkplain #slicedTeacher physically pruned}: its weights sliced and rescaled as
 * the final network's (§6.6), which computes the masked sub-network's logits (the invariant of
 * {@code PrunedEqualsMaskedTest}, here on batch statistics) at its own, smaller FLOPs, its widths
 * padded with zero channels ({@link ChannelPadding}) to counts CPU kernels run fast, and several
 * batches at a time ({@link LogitsPass}). The reference runs the whole network under the teacher's
 * masks, one batch after the other ({@link #maskedTeacher}, kept for comparison).
 * The batches stay the reference's: with batch statistics, a teacher's logits depend on which
 * images share a batch.
 */
public final class MemoryBank {
  /**
   * A sliced teacher's groups are padded with zero channels to multiples of 8, the float32 SIMD
   * width of AVX2 kernels: measured on the pretrained ResNet-56 at 45 % of its FLOPs, a network of
   * irregular widths ran inference at batch 256 in 0.97× the unpruned time, the same FLOPs in
   * multiples of 8 in 0.58× (README, Latency).
   */
  static final ChannelRounding TEACHER_CHANNELS = new ChannelRounding(8);

  private final CifarDataset train;
  private final Normalization normalization;
  private final int batchSize;
  private final ProgressReporter progress;

  public MemoryBank(CifarDataset train, Normalization normalization, int batchSize, ProgressReporter progress) {
    this.train = train;
    this.normalization = normalization;
    this.batchSize = batchSize;
    this.progress = progress;
  }

  /**
   * One teacher's logits {@code [N, classes]}, run as the physically pruned network.
   *
   * @param weights the unpruned (warmed-up) weights of {@code groups}' network
   * @param masks the teacher's {0,1} mask of every group
   * @param task the name its progress is shown under
   */
  public FloatArray slicedTeacher(NetworkSpec spec, ChannelGroups groups, Map<String, FloatArray> weights,
      float[][] masks, SessionOptions options, String task) {
    int[][] kept = PhysicalPruning.keptIndices(masks);
    Map<String, FloatArray> padded = ChannelPadding.pad(groups, PhysicalPruning.prune(groups, weights, kept),
        Arrays.stream(kept).mapToInt(k -> k.length).toArray(), TEACHER_CHANNELS);
    try (Model teacher = Model.open(spec, padded, task, options)) {
      return logits(teacher, InOrderRuns.IN_FLIGHT, task);
    }
  }

  /**
   * One teacher's logits {@code [N, classes]}, run as the reference does: the whole network with
   * the teacher's masks set on {@code gated}'s gates, one batch after the other.
   */
  public FloatArray maskedTeacher(Model gated, float[][] masks, String task) {
    gated.setMasks(masks);
    return logits(gated, 1, task);
  }

  private FloatArray logits(Model model, int batchesInFlight, String task) {
    int classes = model.numClasses();
    float[] logits = new float[train.size() * classes];
    try (Progress shown = progress.start(task, train.size(), ProgressUnit.IMAGES)) {
      LogitsPass.forEach(model, BnMode.TRAIN, train, normalization, batchSize, batchesInFlight, (first, size, z, labels) -> {
        NonFiniteException.requireFinite(z, "memory bank: the teacher's logits of training images " + first + "–"
            + (first + size - 1));
        System.arraycopy(z, 0, logits, first * classes, size * classes);
        shown.advance(size);
      });
    }
    return new FloatArray(new int[] {train.size(), classes}, logits);
  }

  /** The bank {@code [N, classes, teachers]} from each teacher's {@code [N, classes]} logits, in order. */
  public static FloatArray stack(List<FloatArray> teachers) {
    int[] shape = teachers.get(0).shape();
    int rows = shape[0] * shape[1];
    int count = teachers.size();
    float[] bank = new float[rows * count];
    for (int t = 0; t < count; t++) {
      if (!Arrays.equals(teachers.get(t).shape(), shape)) {
        throw new IllegalArgumentException("teacher " + t + " has logits " + teachers.get(t).shapeString()
            + ", teacher 0 " + Arrays.toString(shape));
      }
      float[] logits = teachers.get(t).data();
      for (int r = 0; r < rows; r++) {
        bank[r * count + t] = logits[r];
      }
    }
    return new FloatArray(new int[] {shape[0], shape[1], count}, bank);
  }
}
