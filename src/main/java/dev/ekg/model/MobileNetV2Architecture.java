package dev.ekg.model;

import dev.ekg.graph.Layer;
import dev.ekg.graph.LayerGraph;
import dev.ekg.io.FloatArray;
import dev.ekg.nn.Activation;
import java.util.Map;
import java.util.function.ToIntBiFunction;

/**
 * A MobileNetV2 with concrete widths: the spec's, or those a (pruned) weight file's shapes imply.
 *
 * <p>Layers: stem {@code conv} 3×3 stride 1 → {@code bn} + ReLU6; then inverted residual blocks
 * {@code Block{stage}.{index}/}: {@code expand} 1×1 (absent when the expansion t = 1) →
 * {@code expand_bn} + ReLU6 → {@code depthwise} 3×3 with the block's stride → {@code depthwise_bn} +
 * ReLU6 → {@code project} 1×1 → {@code project_bn} (linear), plus the block input when the stride
 * is 1 and the widths match ({@code add}); then {@code conv_last} 1×1 → {@code bn_last} + ReLU6,
 * global average pooling and {@code fc}. Stages (t, c, n, s): (1,16,1,1), (6,24,2,1), (6,32,3,2),
 * (6,64,4,2), (6,96,3,1), (6,160,3,2), (6,320,1,1); widths c·α rounded to multiples of 8 as in the
 * paper's code, the last conv 1280 (1280·α for α > 1).
 */
public final class MobileNetV2Architecture implements Architecture {
  private static final int[][] STAGES = {
    {1, 16, 1, 1}, {6, 24, 2, 1}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}
  };
  private static final int STEM_WIDTH = 32;
  private static final int LAST_WIDTH = 1280;

  private final MobileNetV2Spec spec;
  private final LayerGraph graph;

  private MobileNetV2Architecture(MobileNetV2Spec spec, LayerGraph graph) {
    this.spec = spec;
    this.graph = graph;
  }

  /** The unpruned network. */
  public static MobileNetV2Architecture of(MobileNetV2Spec spec) {
    return new MobileNetV2Architecture(spec, build(spec, (name, original) -> original));
  }

  /**
   * The network whose every conv width is read from {@code weights}; all shapes are validated.
   *
   * @throws ArchitectureMismatchException naming the key and the expected and actual shape
   */
  public static MobileNetV2Architecture fromWeights(
      MobileNetV2Spec spec, Map<String, FloatArray> weights, String source) {
    MobileNetV2Architecture arch = new MobileNetV2Architecture(
        spec, build(spec, (name, original) -> WeightShapes.outChannels(weights, name, source, spec.archName())));
    WeightShapes.validate(arch, weights, source);
    return arch;
  }

  /** Rounds to a multiple of 8, never below 8 nor more than 10 % below {@code value}. */
  static int divisibleBy8(double value) {
    int rounded = Math.max(8, (int) (value + 4) / 8 * 8);
    return rounded < 0.9 * value ? rounded + 8 : rounded;
  }

  private static LayerGraph build(MobileNetV2Spec spec, ToIntBiFunction<String, Integer> width) {
    LayerGraph.Builder g = LayerGraph.builder();
    int size = MobileNetV2Spec.INPUT_SIZE;
    int x = g.add(new Layer.Input("images", 3));
    int inOriginal = divisibleBy8(STEM_WIDTH * spec.width());
    int in = width.applyAsInt("conv", inOriginal);
    x = g.convBn("conv", "bn", 3, 1, 3, in, size, Activation.RELU6, x);
    for (int stage = 0; stage < STAGES.length; stage++) {
      int[] t = STAGES[stage];
      int outOriginal = divisibleBy8(t[1] * spec.width());
      for (int j = 0; j < t[2]; j++) {
        String p = "Block" + stage + "." + j + "/";
        int stride = j == 0 ? t[3] : 1;
        int h = x;
        int hidden = in;
        if (t[0] != 1) {
          hidden = width.applyAsInt(p + "expand", in * t[0]);
          h = g.convBn(p + "expand", p + "expand_bn", 1, 1, in, hidden, size, Activation.RELU6, h);
        }
        h = g.add(new Layer.DepthwiseConv(p + "depthwise", 3, stride, hidden, size), h);
        int outSize = (size + stride - 1) / stride;
        h = g.add(new Layer.BatchNormalization(p + "depthwise_bn", hidden, outSize, Activation.RELU6), h);
        int out = width.applyAsInt(p + "project", outOriginal);
        h = g.convBn(p + "project", p + "project_bn", 1, 1, hidden, out, outSize, Activation.LINEAR, h);
        // decided on the unpruned widths, so a pruned network keeps the structure it was cut from
        boolean residual = stride == 1 && inOriginal == outOriginal;
        x = residual ? g.add(new Layer.Add(p + "add", Activation.LINEAR), h, x) : h;
        in = out;
        inOriginal = outOriginal;
        size = outSize;
      }
    }
    int last = width.applyAsInt("conv_last", spec.width() > 1 ? divisibleBy8(LAST_WIDTH * spec.width()) : LAST_WIDTH);
    x = g.convBn("conv_last", "bn_last", 1, 1, in, last, size, Activation.RELU6, x);
    x = g.add(new Layer.GlobalAveragePool("pool"), x);
    g.add(new Layer.Dense("fc", last, spec.numClasses()), x);
    return g.build();
  }

  @Override
  public MobileNetV2Spec spec() {
    return spec;
  }

  @Override
  public LayerGraph layerGraph() {
    return graph;
  }
}
