package dev.ekg.model;

import dev.ekg.graph.ChannelGroups;
import dev.ekg.nn.ChannelMasks;
import dev.ekg.nn.Complexity;
import java.util.List;

/**
 * The search's view of a network's {@link ChannelGroups}: one gate per group, with its width and
 * {@code num_call}, per-gate rates turned into kept counts (§4.6) and their params/FLOPs (§4.5). For
 * a ResNet the groups are the reference's §6.1 gates in its order: the stem and each projection
 * open a residual group that the stage's conv2 outputs join, every other conv has a gate of its own.
 */
public final class GatePlan {
  /** One gate: its index in the reference's order, the conv that created it, channels, num_call. */
  public record GateSpec(int index, String name, int channels, int numCall) {}

  private final Architecture architecture;
  private final ChannelGroups groups;
  private final List<GateSpec> gates;

  private GatePlan(Architecture architecture, ChannelGroups groups) {
    this.architecture = architecture;
    this.groups = groups;
    this.gates = groups.groups().stream()
        .map(g -> new GateSpec(g.index(), g.name(), g.channels(), g.numCall()))
        .toList();
  }

  public static GatePlan of(Architecture architecture) {
    return new GatePlan(architecture, architecture.channelGroups());
  }

  public Architecture architecture() {
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
