package dev.ekg.model;

import dev.ekg.graph.Layer;
import dev.ekg.graph.LayerGraph;
import dev.ekg.io.FloatArray;
import dev.ekg.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntBiFunction;

/**
 * A ResNet with concrete channel counts: the spec's widths, or the (pruned) widths a weight file's
 * array shapes imply (reference §7.2). Pure data; graphs are built from it by {@link NetworkGraph}.
 */
public final class ResNetArchitecture implements Architecture {
  private final ResNetSpec spec;
  private final ConvUnit stem;
  private final int afterStemSize;
  private final List<Block> blocks;
  private final LayerGraph layerGraph;

  private ResNetArchitecture(ResNetSpec spec, ConvUnit stem, int afterStemSize, List<Block> blocks) {
    this.spec = spec;
    this.stem = stem;
    this.afterStemSize = afterStemSize;
    this.blocks = List.copyOf(blocks);
    this.layerGraph = buildLayerGraph();
  }

  /** The unpruned network. */
  public static ResNetArchitecture of(ResNetSpec spec) {
    return build(spec, (name, original) -> original);
  }

  /**
   * The network whose every width is read from {@code weights} (keys as in the reference's
   * {@code .pkl}, e.g. {@code conv/kernel:0}); all shapes are validated.
   *
   * @param source the file the weights came from, for error messages
   * @throws ArchitectureMismatchException naming the key and the expected and actual shape
   */
  public static ResNetArchitecture fromWeights(
      ResNetSpec spec, Map<String, FloatArray> weights, String source) {
    ResNetArchitecture arch =
        build(spec, (name, original) -> WeightShapes.outChannels(weights, name, source, spec.archName()));
    WeightShapes.validate(arch, weights, source);
    return arch;
  }

  private static ResNetArchitecture build(ResNetSpec spec, ToIntBiFunction<String, Integer> width) {
    int size = spec.inputSize();
    int stemKernel = spec.imagenetStem() ? 7 : 3;
    int stemStride = spec.imagenetStem() ? 2 : 1;
    ConvUnit stem =
        new ConvUnit("conv", stemKernel, stemStride, 3, width.applyAsInt("conv", spec.widths()[0]), size, true);
    size = stem.outputSize();
    if (spec.imagenetStem()) {
      size = (size + 1) / 2; // 3×3 stride-2 SAME max-pool
    }
    int afterStem = size;
    int in = stem.outChannels();
    int inOriginal = spec.widths()[0];
    List<Block> blocks = new ArrayList<>();
    for (int stage = 0; stage < spec.stages(); stage++) {
      for (int j = 0; j < spec.blocksPerStage()[stage]; j++) {
        String prefix = Block.prefix(stage, j) + "/";
        int stride = j == 0 ? spec.strides()[stage] : 1;
        int w = spec.widths()[stage];
        int outOriginal = w * spec.expansion();
        ConvUnit projection = null;
        if (stride > 1 || inOriginal != outOriginal) {
          projection =
              new ConvUnit(prefix + "conv3", 1, stride, in,
                  width.applyAsInt(prefix + "conv3", outOriginal), size, false);
        }
        ConvUnit conv0 = null;
        int conv1In = in;
        if (spec.bottleneck()) {
          conv0 = new ConvUnit(prefix + "conv0", 1, 1, in, width.applyAsInt(prefix + "conv0", w), size, true);
          conv1In = conv0.outChannels();
        }
        ConvUnit conv1 =
            new ConvUnit(prefix + "conv1", 3, stride, conv1In, width.applyAsInt(prefix + "conv1", w), size, true);
        ConvUnit conv2 =
            new ConvUnit(prefix + "conv2", spec.bottleneck() ? 1 : 3, 1, conv1.outChannels(),
                width.applyAsInt(prefix + "conv2", outOriginal), conv1.outputSize(), false);
        int shortcut = projection != null ? projection.outChannels() : in;
        if (conv2.outChannels() != shortcut) {
          throw new ArchitectureMismatchException(
              prefix + "conv2 has " + conv2.outChannels() + " output channels but its residual input has "
                  + shortcut + ": the channels added together must match");
        }
        blocks.add(new Block(stage, j, conv0, conv1, conv2, projection));
        in = conv2.outChannels();
        inOriginal = outOriginal;
        size = conv1.outputSize();
      }
    }
    return new ResNetArchitecture(spec, stem, afterStem, blocks);
  }

  /** Reference §3: the last batch norm of every residual branch (bn2) starts at γ = 0. */
  @Override
  public float initialGamma(Layer.BatchNormalization batchNorm) {
    return blocks.stream().anyMatch(b -> b.conv2().bnName().equals(batchNorm.name())) ? 0f : 1f;
  }

  @Override
  public ResNetSpec spec() {
    return spec;
  }

  public ConvUnit stem() {
    return stem;
  }

  /** Spatial side after the stem (and the ImageNet max-pool). */
  public int afterStemSize() {
    return afterStemSize;
  }

  public List<Block> blocks() {
    return blocks;
  }

  /** Every conv in the reference's layer order: the stem, then each block's {@link Block#convsInOrder()}. */
  public List<ConvUnit> convUnits() {
    List<ConvUnit> out = new ArrayList<>();
    out.add(stem);
    blocks.forEach(b -> out.addAll(b.convsInOrder()));
    return out;
  }

  /**
   * The layers in the reference's order (§6.1): the stem conv and its batch norm (then the ImageNet
   * max-pool); per block the projection, conv0, conv1 and conv2 each followed by its batch norm, and
   * the add of conv2's branch and the shortcut; global average pooling and {@code fc}.
   */
  @Override
  public LayerGraph layerGraph() {
    return layerGraph;
  }

  private LayerGraph buildLayerGraph() {
    LayerGraph.Builder graph = LayerGraph.builder();
    int x = graph.add(new Layer.Input("images", 3));
    x = convBn(graph, stem, x);
    if (spec.imagenetStem()) {
      x = graph.add(new Layer.MaxPool("maxpool", 3, 2), x);
    }
    for (Block block : blocks) {
      int shortcut = block.projection() == null ? x : convBn(graph, block.projection(), x);
      int h = block.conv0() == null ? x : convBn(graph, block.conv0(), x);
      h = convBn(graph, block.conv2(), convBn(graph, block.conv1(), h));
      x = graph.add(new Layer.Add(block.prefix() + "/add", Activation.RELU), h, shortcut);
    }
    x = graph.add(new Layer.GlobalAveragePool("pool"), x);
    graph.add(new Layer.Dense("fc", fcInFeatures(), spec.numClasses()), x);
    return graph.build();
  }

  private static int convBn(LayerGraph.Builder graph, ConvUnit unit, int input) {
    return graph.convBn(unit.convName(), unit.bnName(), unit.kernelSize(), unit.stride(), unit.inChannels(),
        unit.outChannels(), unit.inputSize(), unit.relu() ? Activation.RELU : Activation.LINEAR, input);
  }


  public int fcInFeatures() {
    return blocks.isEmpty() ? stem.outChannels() : blocks.get(blocks.size() - 1).outChannels();
  }

}
