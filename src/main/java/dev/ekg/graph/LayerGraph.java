package dev.ekg.graph;

import dev.ekg.nn.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A network as a directed acyclic graph of {@link Layer}s in construction order (every input of a
 * node precedes it). The order is the architecture's layer order, which decides the order of the
 * derived {@link ChannelGroups}. The last node is the network's output.
 */
public final class LayerGraph {
  /** One layer, the nodes whose outputs it reads, and the width of its own output. */
  public record Node(int id, Layer layer, int[] inputs, int channels) {
    public Node {
      inputs = inputs.clone();
    }

    @Override
    public int[] inputs() {
      return inputs.clone();
    }

    public int input() {
      if (inputs.length != 1) {
        throw new IllegalStateException(layer.name() + " reads " + inputs.length + " tensors, not one");
      }
      return inputs[0];
    }
  }

  private final List<Node> nodes;
  private final Map<String, Node> byName;

  private LayerGraph(List<Node> nodes, Map<String, Node> byName) {
    this.nodes = List.copyOf(nodes);
    this.byName = Map.copyOf(byName);
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<Node> nodes() {
    return nodes;
  }

  public Node node(int id) {
    return nodes.get(id);
  }

  /** The node of the layer called {@code name}. */
  public Node node(String name) {
    Node n = byName.get(name);
    if (n == null) {
      throw new IllegalArgumentException("the network has no layer '" + name + "'");
    }
    return n;
  }

  /** The width of the tensor {@code node} reads (its first input's). */
  public int inputChannels(Node node) {
    return node.inputs().length == 0 ? 0 : nodes.get(node.inputs()[0]).channels();
  }

  public Node output() {
    return nodes.get(nodes.size() - 1);
  }

  /**
   * The nodes before {@code boundary} whose outputs a node at or after it reads, in order: given
   * their values, the nodes from {@code boundary} on compute the network's output without the ones
   * before (a cut of the graph).
   */
  public List<Integer> readAcross(int boundary) {
    TreeSet<Integer> read = new TreeSet<>();
    for (Node node : nodes.subList(boundary, nodes.size())) {
      for (int input : node.inputs) {
        if (input < boundary) {
          read.add(input);
        }
      }
    }
    return List.copyOf(read);
  }

  /** Adds nodes in order; each call returns the new node's id for later nodes to read. */
  public static final class Builder {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Node> byName = new HashMap<>();

    public int add(Layer layer, int... inputs) {
      boolean source = layer instanceof Layer.Input;
      if (source != (inputs.length == 0)) {
        throw new IllegalArgumentException(
            layer.name() + ": " + (source ? "an input reads nothing" : "a layer needs at least one input"));
      }
      if (inputs.length > 1 && !(layer instanceof Layer.Add)) {
        throw new IllegalArgumentException(layer.name() + ": only an add reads several tensors, got "
            + Arrays.toString(inputs));
      }
      for (int input : inputs) {
        if (input < 0 || input >= nodes.size()) {
          throw new IllegalArgumentException(layer.name() + ": input " + input + " is not an earlier node");
        }
      }
      if (byName.containsKey(layer.name())) {
        throw new IllegalArgumentException("two layers are called '" + layer.name() + "'");
      }
      int width = inputs.length == 0 ? 0 : nodes.get(inputs[0]).channels();
      for (int input : inputs) {
        if (nodes.get(input).channels() != width) {
          throw new IllegalArgumentException(layer.name() + " adds tensors of different widths: "
              + Arrays.stream(inputs).map(i -> nodes.get(i).channels()).boxed().toList());
        }
      }
      Node node = new Node(nodes.size(), layer, inputs, layer.outputChannels(width));
      nodes.add(node);
      byName.put(layer.name(), node);
      return node.id();
    }

    /** A conv and the batch norm after it (the commonest pair); returns the batch norm's id. */
    public int convBn(String conv, String batchNorm, int kernelSize, int stride, int in, int out, int inputSize,
        Activation activation, int input) {
      int c = add(new Layer.Conv(conv, kernelSize, stride, in, out, inputSize), input);
      int outputSize = (inputSize + stride - 1) / stride;
      return add(new Layer.BatchNormalization(batchNorm, out, outputSize, activation), c);
    }

    public LayerGraph build() {
      if (nodes.isEmpty()) {
        throw new IllegalStateException("a layer graph needs at least one node");
      }
      return new LayerGraph(nodes, byName);
    }
  }
}
