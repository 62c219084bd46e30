package dev.ekg.model;

import dev.ekg.graph.ChannelGroups;
import dev.ekg.nn.ChannelMasks;
import dev.ekg.nn.Complexity;
import java.util.List;

/**
 * The gates of a ResNet: its {@link ChannelGroups}, derived from {@link
 * ResNetArchitecture#layerGraph()} (the derivation gives the reference's §6.1 gates in its order:
 * the stem and each projection open a residual group that the stage's conv2 outputs join, every
 * other conv has a gate of its own), and the gates on each conv's input and output.
 */
public final class GatePlan {
  /** One gate: its index in the reference's order, the conv that created it, channels, num_call. */
  public record GateSpec(int index, String name, int channels, int numCall) {}

  /** The gates on a conv's input and output; -1 where there is none. */
  public record ConvGates(int in, int out) {}

  private final ResNetArchitecture architecture;
  private final ChannelGroups groups;
  private final List<GateSpec> gates;

  private GatePlan(ResNetArchitecture architecture, ChannelGroups groups) {
    this.architecture = architecture;
    this.groups = groups;
    this.gates = groups.groups().stream()
        .map(g -> new GateSpec(g.index(), g.name(), g.channels(), g.numCall()))
        .toList();
  }

  public static GatePlan of(ResNetArchitecture architecture) {
    return new GatePlan(architecture, ChannelGroups.derive(architecture.layerGraph()));
  }

  public ResNetArchitecture architecture() {
    return architecture;
  }

  public ChannelGroups channelGroups() {
    return groups;
  }

  public List<GateSpec> gates() {
    return gates;
  }

  public int size() {
    return gates.size();
  }

  public ConvGates gatesOf(ConvUnit conv) {
    return new ConvGates(groups.inGroup(conv.convName()), groups.outGroup(conv.convName()));
  }

  public int fcInGate() {
    return groups.inGroup("fc");
  }

  /** Kept channels per gate for per-gate rates (reference §4.6). */
  public int[] keptCounts(float[] rates) {
    if (rates.length != gates.size()) {
      throw new IllegalArgumentException("expected " + gates.size() + " gate rates, got " + rates.length);
    }
    int[] kept = new int[rates.length];
    for (int g = 0; g < rates.length; g++) {
      kept[g] = ChannelMasks.keptCount(gates.get(g).channels(), rates[g]);
    }
    return kept;
  }

  /** Params and FLOPs of the sub-network keeping {@code kept[g]} channels of every gate g (§4.5). */
  public Complexity complexity(int[] kept) {
    return groups.complexity(kept);
  }

  /** Params and FLOPs at every rate 1, i.e. of the architecture itself. */
  public Complexity fullComplexity() {
    return complexity(gates.stream().mapToInt(GateSpec::channels).toArray());
  }
}
