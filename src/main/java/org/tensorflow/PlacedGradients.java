package org.tensorflow;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteImportGraphDefOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GraphImportGraphDef;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_ImportGraphDefOptionsAddInputMapping;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_ImportGraphDefOptionsRemapControlDependency;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_ImportGraphDefOptionsSetPrefix;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewImportGraphDefOptions;

import java.util.LinkedHashSet;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.internal.c_api.TF_Buffer;
import org.tensorflow.internal.c_api.TF_ImportGraphDefOptions;
import org.tensorflow.internal.c_api.TF_Output;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Symbolic gradients whose ops run on a chosen device. {@link Graph#addGradients} gives the ops it
 * adds no device, so TensorFlow runs every replica's backward pass on the first device
 * (tfjava-notes §5). Here the gradient ops are added, then copied back into the same graph with the
 * device set and wired to the same forward tensors; the unplaced originals stay in the graph unused
 * (a session runs only what its fetches need). It lives in TF Java's package to reach the graph's
 * native handle, which the import with input mappings needs.
 */
public final class PlacedGradients {
  /** Appended to the gradient ops' name scope to name the placed copy. */
  static final String PLACED_SUFFIX = "_placed";

  private PlacedGradients() {}

  /**
   * The gradients of {@code y} with respect to {@code x}, their ops named under {@code prefix} and
   * placed on {@code device} (where the op itself names none); an empty device adds them unplaced,
   * as {@link Graph#addGradients} does, and then {@code prefix} may be null (the graph's default).
   */
  public static Output<?>[] add(Graph graph, String prefix, String device, Output<?> y, Output<?>[] x) {
    if (prefix == null && !device.isEmpty()) {
      throw new IllegalArgumentException("placed gradients need a name scope of their own");
    }
    Output<?>[] unplaced = graph.addGradients(prefix, new Output<?>[] {y}, x, null);
    if (device.isEmpty()) {
      return unplaced;
    }
    String inside = prefix + "/";
    GraphDef all = graph.toGraphDef();
    GraphDef.Builder gradientOps = GraphDef.newBuilder().setVersions(all.getVersions());
    Set<String> forwardInputs = new LinkedHashSet<>();
    Set<String> forwardControls = new LinkedHashSet<>();
    for (NodeDef node : all.getNodeList()) {
      if (!node.getName().startsWith(inside)) {
        continue;
      }
      gradientOps.addNode(node.getDevice().isEmpty() ? node.toBuilder().setDevice(device).build() : node);
      for (String input : node.getInputList()) {
        boolean control = input.startsWith("^");
        String source = control ? input.substring(1) : input;
        if (!source.startsWith(inside)) {
          (control ? forwardControls : forwardInputs).add(source);
        }
      }
    }
    String placedPrefix = prefix + PLACED_SUFFIX;
    importWiredTo(graph, gradientOps.build(), placedPrefix, forwardInputs, forwardControls);
    Output<?>[] placed = new Output<?>[unplaced.length];
    for (int i = 0; i < unplaced.length; i++) {
      String name = unplaced[i].op().name();
      placed[i] = name.startsWith(inside)
          ? graph.operation(placedPrefix + "/" + name).output(unplaced[i].index())
          : unplaced[i];
    }
    return placed;
  }

  /**
   * Imports {@code def} under {@code prefix}, its references to {@code inputs} ("op" or "op:k") and
   * control inputs on {@code controls} resolved to the graph's existing ops of those names.
   */
  private static void importWiredTo(Graph graph, GraphDef def, String prefix, Set<String> inputs,
      Set<String> controls) {
    try (PointerScope scope = new PointerScope()) {
      TF_ImportGraphDefOptions options = TF_NewImportGraphDefOptions();
      try {
        TF_ImportGraphDefOptionsSetPrefix(options, prefix);
        for (String input : inputs) {
          int colon = input.lastIndexOf(':');
          String op = colon < 0 ? input : input.substring(0, colon);
          int index = colon < 0 ? 0 : Integer.parseInt(input.substring(colon + 1));
          TF_Output existing = new TF_Output().oper(operation(graph, op).getUnsafeNativeHandle()).index(index);
          TF_ImportGraphDefOptionsAddInputMapping(options, op, index, existing);
        }
        for (String op : controls) {
          TF_ImportGraphDefOptionsRemapControlDependency(options, op, operation(graph, op).getUnsafeNativeHandle());
        }
        TF_Buffer buffer = TF_Buffer.newBufferFromString(def);
        TF_Status status = TF_Status.newStatus();
        try (Graph.Reference ref = graph.ref()) {
          TF_GraphImportGraphDef(ref.nativeHandle(), buffer, options, status);
        }
        status.throwExceptionIfNotOK();
      } finally {
        TF_DeleteImportGraphDefOptions(options);
      }
    }
  }

  private static GraphOperation operation(Graph graph, String name) {
    GraphOperation op = graph.operation(name);
    if (op == null) {
      throw new IllegalStateException("the gradient ops read " + name + ", which the graph does not hold");
    }
    return op;
  }
}
