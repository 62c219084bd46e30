package dev.ekg.graph;

/**
 * One weight array of a layer and how removing channels cuts it.
 *
 * @param key the array's key as in the reference's {@code .pkl} (e.g. {@code conv/kernel:0})
 * @param shape the array's shape in the unsliced layer
 * @param inAxis the axis indexed by the layer's input channels, or -1
 * @param outAxis the axis indexed by the layer's output channels, or -1
 * @param normPreserving whether a sliced array is rescaled to the unsliced one's Frobenius norm
 *     (§4.1, the rule of the masked forward; kernels yes, biases and batch-norm arrays no)
 */
public record ArraySlice(String key, int[] shape, int inAxis, int outAxis, boolean normPreserving) {
  public ArraySlice {
    shape = shape.clone();
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }
}
