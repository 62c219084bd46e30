package dev.ekg.prune;

import dev.ekg.graph.ArraySlice;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.Layer;
import dev.ekg.graph.LayerGraph;
import dev.ekg.io.FloatArray;
import dev.ekg.nn.ChannelMasks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Physical pruning of reference §6.6, driven by the per-layer table of {@link Layer#arrays()}: every
 * array keeps the input channels of its layer's input group and the output channels of its output
 * group along the axes the table names; kernels are rescaled to the Frobenius norm of the unsliced
 * kernel (the same rule as the masked forward, §4.1), batch-norm arrays and biases are not. For a
 * ResNet: conv kernels [k,k,in,out], batch norms [1,1,1,C], the FC kernel's rows; the FC bias is
 * untouched. The result has the reference's keys and smaller shapes, so it loads as a genuinely
 * smaller network.
 */
public final class PhysicalPruning {
  private static final double L2_NORMALIZE_EPSILON = 1e-12;

  private PhysicalPruning() {}

  /** The kept channel indices of every gate, ascending. */
  public static int[][] keptIndices(float[][] masks) {
    int[][] kept = new int[masks.length][];
    for (int g = 0; g < masks.length; g++) {
      kept[g] = ChannelMasks.keptIndices(masks[g]);
    }
    return kept;
  }

  /**
   * @param weights the unpruned weights (pickle keys) of {@code groups}' network
   * @param kept {@link #keptIndices} of the groups
   */
  public static LinkedHashMap<String, FloatArray> prune(
      ChannelGroups groups, Map<String, FloatArray> weights, int[][] kept) {
    return editChannels(groups, weights, (array, axis, group) -> array.select(axis, kept[group]), true);
  }

  /** How one array changes along the axis one group's channels index. */
  interface AxisEdit {
    FloatArray apply(FloatArray array, int axis, int group);
  }

  /**
   * Every array of {@code groups}' layers, {@code edit}ed along the axis of its layer's input group,
   * then along that of its output group, as {@link Layer#arrays()} names them.
   *
   * @param rescale whether norm-preserving arrays (kernels) are then rescaled to their unedited
   *     Frobenius norm
   */
  static LinkedHashMap<String, FloatArray> editChannels(
      ChannelGroups groups, Map<String, FloatArray> weights, AxisEdit edit, boolean rescale) {
    LinkedHashMap<String, FloatArray> out = new LinkedHashMap<>();
    for (LayerGraph.Node node : groups.graph().nodes()) {
      int in = groups.inGroup(node);
      int outGroup = groups.outGroup(node);
      for (ArraySlice slice : node.layer().arrays()) {
        FloatArray array = weights.get(slice.key());
        if (array == null) {
          throw new IllegalArgumentException("weights have no key '" + slice.key() + "'");
        }
        FloatArray edited = array;
        if (slice.inAxis() >= 0 && in >= 0) {
          edited = edit.apply(edited, slice.inAxis(), in);
        }
        if (slice.outAxis() >= 0 && outGroup >= 0) {
          edited = edit.apply(edited, slice.outAxis(), outGroup);
        }
        out.put(slice.key(), rescale && slice.normPreserving() ? rescaled(edited, array) : edited);
      }
    }
    return out;
  }

  /** {@code sliced · ‖original‖_F · rsqrt(max(‖sliced‖²_F, 1e-12))}. */
  private static FloatArray rescaled(FloatArray sliced, FloatArray original) {
    double factor =
        Math.sqrt(sumOfSquares(original)) / Math.sqrt(Math.max(sumOfSquares(sliced), L2_NORMALIZE_EPSILON));
    float[] values = sliced.data().clone();
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (values[i] * factor);
    }
    return new FloatArray(sliced.shape(), values);
  }

  private static double sumOfSquares(FloatArray a) {
    double sum = 0;
    for (float v : a.data()) {
      sum += (double) v * v;
    }
    return sum;
  }
}
