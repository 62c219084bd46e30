package dev.ekg.criteria;

import dev.ekg.graph.ArraySlice;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.Layer;
import dev.ekg.io.FloatArray;
import java.util.List;

/**
 * Scores channels by the magnitude of the weights that produce them ({@link MagnitudeCriterion}):
 * data-free baselines that need only {@link ScoringContext#weights()}. A channel of a group is
 * written by every conv producing the group (the stem and the conv2s of a residual stage, say), so
 * its score sums the criterion over all of them: for L1 and L2 the norm of each producer kernel's
 * output slice ({@code W[..., c]} of {@code [k,k,in,out]}), for BN_SCALE |γ_c| of each batch norm
 * in the group. Sums are accumulated in double and returned as float.
 */
public final class MagnitudeScorer implements ChannelScorer {
  private final MagnitudeCriterion criterion;

  public MagnitudeScorer(MagnitudeCriterion criterion) {
    this.criterion = criterion;
  }

  public MagnitudeCriterion criterion() {
    return criterion;
  }

  @Override
  public float[][] scores(ChannelGroups groups, ScoringContext context) {
    float[][] scores = new float[groups.size()][];
    for (ChannelGroups.Group group : groups.groups()) {
      double[] total = new double[group.channels()];
      for (ArraySlice slice : scoredArrays(groups, group)) {
        double[] perChannel = perChannel(context.weight(slice.key()), slice, group);
        for (int c = 0; c < total.length; c++) {
          total[c] += criterion == MagnitudeCriterion.L2 ? Math.sqrt(perChannel[c]) : perChannel[c];
        }
      }
      scores[group.index()] = new float[total.length];
      for (int c = 0; c < total.length; c++) {
        scores[group.index()][c] = (float) total[c];
      }
    }
    return scores;
  }

  /** The producers' kernels for L1/L2 (their output-channel slices), the batch norms' γ for BN_SCALE. */
  private List<ArraySlice> scoredArrays(ChannelGroups groups, ChannelGroups.Group group) {
    if (criterion == MagnitudeCriterion.BN_SCALE) {
      return group.members().stream()
          .map(name -> groups.graph().node(name).layer())
          .filter(layer -> layer instanceof Layer.BatchNormalization)
          .flatMap(bn -> bn.arrays().stream().filter(a -> a.key().equals(bn.name() + "/gamma:0")))
          .toList();
    }
    return group.producers().stream()
        .flatMap(name -> groups.graph().node(name).layer().arrays().stream())
        .filter(a -> a.outAxis() >= 0)
        .toList();
  }

  /** Per index along the slice's output axis: Σ|x| (L1, BN_SCALE) or Σx² (L2) over the other axes. */
  private double[] perChannel(FloatArray array, ArraySlice slice, ChannelGroups.Group group) {
    int axis = slice.outAxis();
    int channels = array.dim(axis);
    if (channels != group.channels()) {
      throw new IllegalArgumentException("'" + slice.key() + "' has " + channels + " channels along axis " + axis
          + " but group " + group.name() + " has " + group.channels());
    }
    int inner = 1;
    for (int a = axis + 1; a < array.rank(); a++) {
      inner *= array.dim(a);
    }
    double[] sums = new double[channels];
    float[] data = array.data();
    for (int i = 0; i < data.length; i++) {
      double x = data[i];
      sums[(i / inner) % channels] += criterion == MagnitudeCriterion.L2 ? x * x : Math.abs(x);
    }
    return sums;
  }
}
