package dev.ekg.model;

import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.Layer;
import dev.ekg.graph.LayerGraph;
import dev.ekg.nn.BatchNorm;
import dev.ekg.nn.BnMode;
import dev.ekg.nn.Dense;
import dev.ekg.nn.Gate;
import dev.ekg.nn.Initializer;
import dev.ekg.nn.MaskedConv2d;
import dev.ekg.nn.MaskedDepthwiseConv2d;
import dev.ekg.nn.MovingAverage;
import dev.ekg.nn.VariableStore;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.MaxPool;
import org.tensorflow.types.TFloat32;

/**
 * The variables and TF ops of one {@link Architecture}, built from its {@link LayerGraph} (reference
 * §3, §4), with or without one gate per channel group. {@link #forward} can be called several times
 * (batch-statistics and moving-statistics paths, accumulation chunks, replicas); every call shares
 * the variables.
 *
 * <p>Gated, every conv and dense kernel is masked on the groups of its input and output channels
 * (norm-preserving, §4.1–§4.3), and a group's activation is multiplied by its mask wherever a
 * conv, depthwise conv or the global pooling reads it. For a ResNet these "mask points" are
 * the reference's: the stem output (after the ImageNet max-pool), every conv0/conv1 output after BN
 * and ReLU, and every block output after the add and ReLU.
 */
public final class NetworkGraph {
  /** Reference §3 initialisers, used only when no weight file is loaded. */
  private static final Initializer CONV_INIT = Initializer.varianceScaling(2.0, true);
  private static final Initializer FC_INIT = Initializer.normal(0.01f);

  private final Architecture architecture;
  private final LayerGraph layers;
  private final ChannelGroups groups;
  private final VariableStore store;
  private final List<Gate> gates = new ArrayList<>();
  private final List<Module> modules = new ArrayList<>();
  private final boolean[] masked;

  /**
   * @param gated whether to attach one gate per channel group (for the search); a plain network has
   *     no masks and no rescale arithmetic
   * @param seed seed of the random initial values
   */
  public NetworkGraph(Ops tf, Architecture architecture, boolean gated, long seed) {
    this.architecture = architecture;
    this.layers = architecture.layerGraph();
    this.groups = ChannelGroups.derive(layers);
    this.store = new VariableStore(tf, seed);
    if (gated) {
      for (ChannelGroups.Group g : groups.groups()) {
        gates.add(new Gate(store, g.index(), g.name(), g.channels()));
      }
    }
    for (LayerGraph.Node node : layers.nodes()) {
      modules.add(module(node));
    }
    this.masked = maskPoints();
  }

  /** A node's layer with its variables, as a function of the tensors it reads. */
  @FunctionalInterface
  private interface Module {
    Operand<TFloat32> apply(Ops tf, List<Operand<TFloat32>> inputs, BnMode mode, List<MovingAverage> statistics);
  }

  private Module module(LayerGraph.Node node) {
    Layer layer = node.layer();
    Gate in = gate(groups.inGroup(node));
    Gate out = gate(groups.outGroup(node));
    if (layer instanceof Layer.Conv c) {
      MaskedConv2d conv = new MaskedConv2d(
          store, c.name(), c.kernelSize(), c.stride(), c.inChannels(), c.outChannels(), in, out, CONV_INIT);
      return (tf, x, mode, statistics) -> conv.apply(tf, x.get(0));
    }
    if (layer instanceof Layer.DepthwiseConv d) {
      MaskedDepthwiseConv2d conv =
          new MaskedDepthwiseConv2d(store, d.name(), d.kernelSize(), d.stride(), d.channels(), 1, in, CONV_INIT);
      return (tf, x, mode, statistics) -> conv.apply(tf, x.get(0));
    }
    if (layer instanceof Layer.BatchNormalization b) {
      BatchNorm bn = new BatchNorm(store, b.name(), b.channels(), b.activation(), architecture.initialGamma(b));
      return (tf, x, mode, statistics) -> bn.apply(tf, x.get(0), mode, statistics);
    }
    if (layer instanceof Layer.Dense d) {
      Dense dense = new Dense(store, d.name(), d.inFeatures(), d.outFeatures(), in, FC_INIT);
      return (tf, x, mode, statistics) -> dense.apply(tf, x.get(0));
    }
    if (layer instanceof Layer.ChannelWise w) {
      return (tf, x, mode, statistics) -> channelWise(tf, w, x);
    }
    if (layer instanceof Layer.Input) {
      return (tf, x, mode, statistics) -> x.get(0);
    }
    throw new IllegalArgumentException("no graph code for layer " + layer);
  }

  /** The output of a layer without weights on the tensors it reads. */
  static Operand<TFloat32> channelWise(Ops tf, Layer.ChannelWise layer, List<Operand<TFloat32>> x) {
    if (layer instanceof Layer.Add a) {
      return a.activation().apply(tf, tf.math.add(x.get(0), x.get(1)));
    }
    if (layer instanceof Layer.MaxPool p) {
      return tf.nn.maxPool(x.get(0), tf.constant(new int[] {1, p.size(), p.size(), 1}),
          tf.constant(new int[] {1, p.stride(), p.stride(), 1}), "SAME", MaxPool.dataFormat("NHWC"));
    }
    if (layer instanceof Layer.GlobalAveragePool) {
      return tf.math.mean(x.get(0), tf.constant(new int[] {1, 2}));
    }
    throw new IllegalArgumentException("no graph code for layer " + layer);
  }

  /**
   * Whether each node's output is masked: it lies in a group and a conv, a depthwise conv or the
   * global pooling reads it (the pooled features of a masked activation are masked already, so the
   * classifier's input is not masked again).
   */
  private boolean[] maskPoints() {
    boolean[] points = new boolean[layers.nodes().size()];
    if (gates.isEmpty()) {
      return points;
    }
    for (LayerGraph.Node node : layers.nodes()) {
      Layer layer = node.layer();
      boolean reads = layer instanceof Layer.Conv || layer instanceof Layer.DepthwiseConv
          || layer instanceof Layer.GlobalAveragePool;
      if (reads) {
        for (int input : node.inputs()) {
          points[input] |= groups.outGroup(layers.node(input)) >= 0;
        }
      }
    }
    return points;
  }

  /**
   * The first node whose output a change of gate {@code gate}'s mask can change: the first that masks
   * its kernel with it (a conv on its input or output channels, a depthwise conv or dense layer on
   * its input) or whose output it masks. Nodes before it compute the same under any mask of the gate.
   */
  public int firstNodeMaskedBy(int gate) {
    for (LayerGraph.Node node : layers.nodes()) {
      Layer layer = node.layer();
      int in = groups.inGroup(node);
      int out = groups.outGroup(node);
      boolean kernel = layer instanceof Layer.Conv
          ? in == gate || out == gate
          : (layer instanceof Layer.DepthwiseConv || layer instanceof Layer.Dense) && in == gate;
      if (kernel || masked[node.id()] && out == gate) {
        return node.id();
      }
    }
    throw new IllegalArgumentException("gate " + gate + " masks no layer");
  }

  public LayerGraph layerGraph() {
    return layers;
  }

  private Gate gate(int index) {
    return index < 0 || gates.isEmpty() ? null : gates.get(index);
  }

  public Architecture architecture() {
    return architecture;
  }

  public VariableStore variables() {
    return store;
  }

  public ChannelGroups channelGroups() {
    return groups;
  }

  /** The gates in group order; empty for a plain network. */
  public List<Gate> gates() {
    return List.copyOf(gates);
  }

  /** Builds the network on {@code images} [N,H,W,C] (normalised). */
  public Forward forward(Ops tf, Operand<TFloat32> images, BnMode mode) {
    List<MovingAverage> statistics = new ArrayList<>();
    List<Forward.MaskPoint> points = new ArrayList<>();
    List<Operand<TFloat32>> values = new ArrayList<>();
    for (LayerGraph.Node node : layers.nodes()) {
      List<Operand<TFloat32>> inputs = new ArrayList<>();
      for (int input : node.inputs()) {
        inputs.add(values.get(input));
      }
      if (inputs.isEmpty()) {
        inputs.add(images);
      }
      Operand<TFloat32> y = modules.get(node.id()).apply(tf, inputs, mode, statistics);
      int group = groups.outGroup(node);
      if (masked[node.id()]) {
        y = gates.get(group).apply(tf, y);
        points.add(new Forward.MaskPoint(group, y));
      }
      values.add(y);
    }
    List<Op> updates = statistics.stream().map(s -> s.update(tf)).toList();
    return new Forward(values.get(values.size() - 1), updates, List.copyOf(statistics), List.copyOf(points), values);
  }
}
