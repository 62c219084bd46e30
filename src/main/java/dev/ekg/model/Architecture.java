package dev.ekg.model;

import dev.ekg.graph.ArraySlice;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.Layer;
import dev.ekg.graph.LayerGraph;
import dev.ekg.nn.Complexity;
import java.util.List;

/**
 * A network of one family with concrete channel counts (unpruned, or as a weight file's shapes
 * imply): the seam every architecture implements. Everything downstream (graph building, channel
 * groups, physical pruning, params/FLOPs, weight keys) is derived from {@link #layerGraph()}.
 */
public interface Architecture {
  /** The family member this network is (or was cut from). */
  NetworkSpec spec();

  /** The {@code --arch} name, e.g. {@code ResNet-56} or {@code MobileNetV2-1.0}. */
  default String archName() {
    return spec().archName();
  }

  default int numClasses() {
    return spec().numClasses();
  }

  /** Side of the square input image. */
  default int inputSize() {
    return spec().inputSize();
  }

  /** The layers in the family's layer order (which numbers the channel groups). */
  LayerGraph layerGraph();

  /** The value a batch norm's γ starts at when the network is built without weights. */
  default float initialGamma(Layer.BatchNormalization batchNorm) {
    return 1f;
  }

  default ChannelGroups channelGroups() {
    return ChannelGroups.derive(layerGraph());
  }

  /** Params and FLOPs with the reference's conventions (§4.5). */
  default Complexity complexity() {
    ChannelGroups groups = channelGroups();
    return groups.complexity(groups.groups().stream().mapToInt(ChannelGroups.Group::channels).toArray());
  }

  /** Every weight key a {@code .pkl} of this network holds, in the reference's order. */
  default List<String> weightKeys() {
    return layerGraph().nodes().stream()
        .flatMap(n -> n.layer().arrays().stream())
        .map(ArraySlice::key)
        .toList();
  }
}
