package dev.ekg.model;

import dev.ekg.io.FloatArray;
import dev.ekg.io.TensorArrays;
import dev.ekg.runtime.SessionOptions;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/**
 * A network as it is served: batch norm {@linkplain FoldedNetwork folded} into the convolutions and
 * every weight a constant, in a graph of its own, from normalised images ({@link InferenceExport#INPUT})
 * to logits ({@link InferenceExport#OUTPUT}); {@code test --export_savedmodel}'s frozen graph.
 */
public final class FrozenNetwork implements AutoCloseable {
  private final Architecture architecture;
  private final Graph graph = new Graph();
  private final Placeholder<TFloat32> images;
  private final Operand<TFloat32> logits;
  private Session session;

  /** @param weights a plain network's weights ({@link Model#weights()}) */
  public FrozenNetwork(Architecture architecture, Map<String, FloatArray> weights) {
    this.architecture = architecture;
    FoldedNetwork folded = new FoldedNetwork(architecture, weights);
    Ops tf = Ops.create(graph);
    this.images = InferenceExport.images(tf, architecture);
    this.logits = tf.withName(InferenceExport.OUTPUT).identity(
        folded.logits(tf, images, key -> tf.constant(TensorArrays.toNdArray(folded.weights().get(key)))));
  }

  public Architecture architecture() {
    return architecture;
  }

  public GraphDef graphDef() {
    return graph.toGraphDef();
  }

  public Placeholder<TFloat32> images() {
    return images;
  }

  public Operand<TFloat32> logits() {
    return logits;
  }

  /** The session that runs it, opened with {@code options} on first use. */
  public Session session(SessionOptions options) {
    if (session == null) {
      session = options.open(graph);
    }
    return session;
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
    }
    graph.close();
  }
}
