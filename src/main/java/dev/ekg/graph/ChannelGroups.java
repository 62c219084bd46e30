package dev.ekg.graph;

import dev.ekg.nn.Complexity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prunable channel groups of a {@link LayerGraph}, derived from its structure the way a
 * dependency graph does: every node output is a channel space; a layer that {@link
 * Layer#joinsChannels() joins} channels merges its output space with its inputs' (an add merges all
 * its inputs'); conv and dense layers start a new space. The spaces of the input image and of the
 * network's output are fixed; every other space produced by at least one conv is a group, and
 * removing one of its channels removes it from every member at once.
 *
 * <p>Groups are numbered by their first producing conv in graph order and named after it; for the
 * ResNets this is the gate order of reference §6.1.
 */
public final class ChannelGroups {
  /**
   * One group.
   *
   * @param producers the convs whose output channels are the group's, in graph order
   * @param members every node whose output lies in the group (producers, batch norms, depthwise
   *     convs, adds, pools), in graph order
   */
  public record Group(int index, String name, int channels, List<String> producers, List<String> members) {
    /** How many convs write the group: the reference's {@code num_call} (§6.4(b) step size). */
    public int numCall() {
      return producers.size();
    }
  }

  private final LayerGraph graph;
  private final List<Group> groups;
  private final int[] groupOfNode;

  private ChannelGroups(LayerGraph graph, List<Group> groups, int[] groupOfNode) {
    this.graph = graph;
    this.groups = List.copyOf(groups);
    this.groupOfNode = groupOfNode;
  }

  public static ChannelGroups derive(LayerGraph graph) {
    List<LayerGraph.Node> nodes = graph.nodes();
    int[] parent = new int[nodes.size()];
    Arrays.setAll(parent, i -> i);
    for (LayerGraph.Node node : nodes) {
      if (node.layer().joinsChannels()) {
        for (int input : node.inputs()) {
          union(parent, node.id(), input);
        }
      }
    }
    boolean[] fixed = new boolean[nodes.size()];
    for (LayerGraph.Node node : nodes) {
      if (node.layer() instanceof Layer.Input) {
        fixed[find(parent, node.id())] = true;
      }
    }
    fixed[find(parent, graph.output().id())] = true;

    Map<Integer, Integer> groupOfRoot = new LinkedHashMap<>();
    List<List<String>> producers = new ArrayList<>();
    List<Integer> channels = new ArrayList<>();
    for (LayerGraph.Node node : nodes) {
      int root = find(parent, node.id());
      if (!fixed[root] && node.layer() instanceof Layer.Conv conv) {
        Integer g = groupOfRoot.get(root);
        if (g == null) {
          groupOfRoot.put(root, producers.size());
          producers.add(new ArrayList<>());
          channels.add(conv.outChannels());
        } else if (channels.get(g) != conv.outChannels()) {
          throw new IllegalArgumentException(
              conv.name() + " writes " + conv.outChannels() + " channels into the space of "
                  + producers.get(g).get(0) + ", which has " + channels.get(g)
                  + ": tensors joined channel by channel must have equal widths");
        }
        producers.get(groupOfRoot.get(root)).add(conv.name());
      }
    }
    int[] groupOfNode = new int[nodes.size()];
    List<List<String>> members = new ArrayList<>();
    producers.forEach(p -> members.add(new ArrayList<>()));
    for (LayerGraph.Node node : nodes) {
      Integer g = groupOfRoot.get(find(parent, node.id()));
      groupOfNode[node.id()] = g == null ? -1 : g;
      if (g != null) {
        members.get(g).add(node.layer().name());
      }
    }
    List<Group> groups = new ArrayList<>();
    for (int g = 0; g < producers.size(); g++) {
      groups.add(new Group(g, producers.get(g).get(0), channels.get(g), List.copyOf(producers.get(g)),
          List.copyOf(members.get(g))));
    }
    return new ChannelGroups(graph, groups, groupOfNode);
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private static void union(int[] parent, int a, int b) {
    parent[find(parent, a)] = find(parent, b);
  }

  /** Params and FLOPs of the network keeping {@code kept[g]} channels of every group g. */
  public Complexity complexity(int[] kept) {
    if (kept.length != groups.size()) {
      throw new IllegalArgumentException("expected " + groups.size() + " kept counts, got " + kept.length);
    }
    Complexity total = Complexity.ZERO;
    for (LayerGraph.Node node : graph.nodes()) {
      int in = inGroup(node);
      int out = outGroup(node);
      total = total.plus(node.layer().complexity(
          in < 0 ? graph.inputChannels(node) : kept[in], out < 0 ? node.channels() : kept[out]));
    }
    return total;
  }

  /** Masks keeping every channel of every group: the unpruned network as a sub-network. */
  public float[][] allKeptMasks() {
    float[][] masks = new float[groups.size()][];
    for (Group g : groups) {
      masks[g.index()] = new float[g.channels()];
      Arrays.fill(masks[g.index()], 1f);
    }
    return masks;
  }

  public LayerGraph graph() {
    return graph;
  }

  public List<Group> groups() {
    return groups;
  }

  public int size() {
    return groups.size();
  }

  /** The group of the layer's output channels, or -1 where they are fixed. */
  public int outGroup(String layer) {
    return groupOfNode[graph.node(layer).id()];
  }

  /** The group of the channels the layer reads, or -1 where they are fixed (or it is an input). */
  public int inGroup(String layer) {
    return inGroup(graph.node(layer));
  }

  /** The group of the channels {@code node} reads, or -1 where they are fixed. */
  public int inGroup(LayerGraph.Node node) {
    return node.inputs().length == 0 ? -1 : groupOfNode[node.inputs()[0]];
  }

  /** The group of {@code node}'s output channels, or -1 where they are fixed. */
  public int outGroup(LayerGraph.Node node) {
    return groupOfNode[node.id()];
  }
}
