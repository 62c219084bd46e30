package dev.ekg.model;

import dev.ekg.graph.Layer;
import dev.ekg.graph.LayerGraph;
import dev.ekg.io.FloatArray;
import dev.ekg.nn.BatchNorm;
import dev.ekg.nn.Dense;
import dev.ekg.nn.MaskedConv2d;
import dev.ekg.nn.MaskedDepthwiseConv2d;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A network in inference mode with every batch norm folded into the convolution before it: per
 * output channel the kernel is scaled by s = γ/√(moving variance + ε) and gains the bias
 * β − moving mean·s, computed in double and rounded once. The graph it builds has no batch-norm
 * op; it computes the moving-statistics logits of the plain network the weights came from.
 */
public final class FoldedNetwork {
  private final LayerGraph layers;
  private final Map<Integer, Layer.BatchNormalization> batchNormAfter;
  private final LinkedHashMap<String, FloatArray> weights = new LinkedHashMap<>();

  /**
   * @param source a plain network's weights keyed as in the reference's {@code .pkl}
   *     ({@link Model#weights()})
   * @throws ArchitectureMismatchException naming a key of {@code architecture} that {@code source} lacks
   */
  public FoldedNetwork(Architecture architecture, Map<String, FloatArray> source) {
    this.layers = architecture.layerGraph();
    this.batchNormAfter = batchNormsAfterConvolutions(layers);
    for (LayerGraph.Node node : layers.nodes()) {
      Layer layer = node.layer();
      Layer.BatchNormalization bn = batchNormAfter.get(node.id());
      if (bn != null) {
        fold(layer, bn, source);
      } else if (layer instanceof Layer.Dense) {
        weights.put(kernelKey(layer), weight(source, kernelKey(layer)));
        weights.put(biasKey(layer), weight(source, biasKey(layer)));
      }
    }
  }

  /**
   * The batch norm reading each conv or depthwise conv, by the conv's node id.
   *
   * @throws IllegalArgumentException when a batch norm reads anything else, or a conv output that
   *     another layer reads too: folding it would change what that layer sees
   */
  private static Map<Integer, Layer.BatchNormalization> batchNormsAfterConvolutions(LayerGraph layers) {
    Map<Integer, Integer> readers = new HashMap<>();
    for (LayerGraph.Node node : layers.nodes()) {
      for (int input : node.inputs()) {
        readers.merge(input, 1, Integer::sum);
      }
    }
    Map<Integer, Layer.BatchNormalization> after = new HashMap<>();
    for (LayerGraph.Node node : layers.nodes()) {
      if (node.layer() instanceof Layer.BatchNormalization bn) {
        LayerGraph.Node producer = layers.node(node.input());
        if (!isConvolution(producer.layer()) || readers.get(producer.id()) != 1) {
          throw new IllegalArgumentException("cannot fold batch norm " + bn.name() + ": expected it to be the only "
              + "reader of a conv or depthwise conv, got " + producer.layer().name());
        }
        after.put(producer.id(), bn);
      }
    }
    for (LayerGraph.Node node : layers.nodes()) {
      if (isConvolution(node.layer()) && !after.containsKey(node.id())) {
        throw new IllegalArgumentException("cannot fold: " + node.layer().name() + " has no batch norm after it");
      }
    }
    return after;
  }

  private static boolean isConvolution(Layer layer) {
    return layer instanceof Layer.Conv || layer instanceof Layer.DepthwiseConv;
  }

  private void fold(Layer conv, Layer.BatchNormalization bn, Map<String, FloatArray> source) {
    float[] gamma = weight(source, bn.name() + "/gamma").data();
    float[] beta = weight(source, bn.name() + "/beta").data();
    float[] mean = weight(source, bn.name() + "/moving_mean").data();
    float[] variance = weight(source, bn.name() + "/moving_variance").data();
    int channels = bn.channels();
    double[] scale = new double[channels];
    float[] bias = new float[channels];
    for (int c = 0; c < channels; c++) {
      scale[c] = gamma[c] / Math.sqrt((double) variance[c] + BatchNorm.EPSILON);
      bias[c] = (float) (beta[c] - mean[c] * scale[c]);
    }
    FloatArray kernel = weight(source, kernelKey(conv));
    float[] scaled = new float[kernel.size()];
    // the output channel is the last axis of a conv's HWIO kernel; a depthwise kernel [k,k,C,1] has
    // its channel on axis 2 and a multiplier of 1, so in both the channel of flat index i is i mod C
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] = (float) (kernel.data()[i] * scale[i % channels]);
    }
    weights.put(kernelKey(conv), new FloatArray(kernel.shape(), scaled));
    weights.put(biasKey(conv), new FloatArray(new int[] {channels}, bias));
  }

  private static FloatArray weight(Map<String, FloatArray> source, String key) {
    FloatArray a = source.get(key + ":0");
    if (a == null) {
      throw new ArchitectureMismatchException("weights have no key '" + key + ":0'");
    }
    return a;
  }

  private static String kernelKey(Layer layer) {
    return layer.name() + "/kernel";
  }

  /** A dense layer's bias keeps the reference's name; a folded convolution's is new. */
  private static String biasKey(Layer layer) {
    return layer.name() + (layer instanceof Layer.Dense ? "/biases" : "/bias");
  }

  /** The folded arrays by key ({@code conv/kernel}, {@code conv/bias}, …, {@code fc/biases}), in layer order. */
  public Map<String, FloatArray> weights() {
    return Collections.unmodifiableMap(weights);
  }

  /**
   * Builds the network on {@code images} [N,H,W,3] (normalised) and returns its logits.
   *
   * @param weight the graph value of each key of {@link #weights()}: a variable's or a constant
   */
  public Operand<TFloat32> logits(Ops tf, Operand<TFloat32> images, Function<String, Operand<TFloat32>> weight) {
    List<Operand<TFloat32>> values = new ArrayList<>();
    for (LayerGraph.Node node : layers.nodes()) {
      List<Operand<TFloat32>> inputs = new ArrayList<>();
      for (int input : node.inputs()) {
        inputs.add(values.get(input));
      }
      Layer layer = node.layer();
      Operand<TFloat32> y;
      if (layer instanceof Layer.Input) {
        y = images;
      } else if (layer instanceof Layer.Conv c) {
        y = biased(tf, node, MaskedConv2d.convolve(tf, inputs.get(0), weight.apply(kernelKey(c)), c.stride()), weight);
      } else if (layer instanceof Layer.DepthwiseConv d) {
        y = biased(tf, node,
            MaskedDepthwiseConv2d.convolve(tf, inputs.get(0), weight.apply(kernelKey(d)), d.stride()), weight);
      } else if (layer instanceof Layer.BatchNormalization) {
        y = inputs.get(0); // folded into the convolution before it
      } else if (layer instanceof Layer.Dense d) {
        y = Dense.affine(tf, inputs.get(0), weight.apply(kernelKey(d)), weight.apply(biasKey(d)));
      } else if (layer instanceof Layer.ChannelWise w) {
        y = NetworkGraph.channelWise(tf, w, inputs);
      } else {
        throw new IllegalArgumentException("no graph code for layer " + layer);
      }
      values.add(y);
    }
    return values.get(values.size() - 1);
  }

  /** A convolution's output plus its folded bias, through the activation of its batch norm. */
  private Operand<TFloat32> biased(
      Ops tf, LayerGraph.Node conv, Operand<TFloat32> convolved, Function<String, Operand<TFloat32>> weight) {
    Layer.BatchNormalization bn = batchNormAfter.get(conv.id());
    return bn.activation().apply(tf, tf.nn.biasAdd(convolved, weight.apply(biasKey(conv.layer()))));
  }
}
