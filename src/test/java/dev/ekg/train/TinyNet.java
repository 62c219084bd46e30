package dev.ekg.train;

import dev.ekg.model.Forward;
import dev.ekg.model.TrainableModel;
import dev.ekg.nn.BnMode;
import dev.ekg.nn.Dense;
import dev.ekg.nn.Initializer;
import dev.ekg.nn.MaskedConv2d;
import dev.ekg.nn.VariableStore;
import dev.ekg.runtime.Cluster;
import dev.ekg.runtime.SessionOptions;
import java.util.List;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The oracle's BN-free net: 3×3 conv (3→4) → ReLU → spatial mean → dense (4→10), on 8×8 images. */
final class TinyNet implements TrainableModel, AutoCloseable {
  private final Graph graph = new Graph();
  private final Ops tf = Ops.create(graph);
  private final VariableStore store = new VariableStore(tf, 1);
  private final Placeholder<TFloat32> images = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 8, 8, 3)));
  private final MaskedConv2d conv = new MaskedConv2d(store, "conv", 3, 1, 3, 4, null, null, Initializer.constant(0f));
  private final Dense fc = new Dense(store, "fc", 4, 10, null, Initializer.constant(0f));
  private final Forward forward = forward(tf, images, BnMode.TRAIN);
  private final List<DeviceSpec> replicaDevices;
  private final Cluster cluster;
  private final Session session;

  TinyNet(SessionOptions options) {
    replicaDevices = options.replicaDevices();
    cluster = options.cluster();
    session = options.open(graph);
  }

  @Override
  public Forward forward(Ops ops, Operand<TFloat32> input, BnMode mode) {
    Operand<TFloat32> pooled = ops.math.mean(ops.nn.relu(conv.apply(ops, input)), ops.constant(new int[] {1, 2}));
    return new Forward(fc.apply(ops, pooled), List.of(), List.of(), List.of(), List.of());
  }

  @Override public List<DeviceSpec> replicaDevices() { return replicaDevices; }
  @Override public Cluster cluster() { return cluster; }
  @Override public Graph graph() { return graph; }
  @Override public Ops ops() { return tf; }
  @Override public Session session() { return session; }
  @Override public Placeholder<TFloat32> images() { return images; }
  @Override public Forward forward(BnMode mode) { return forward; }
  @Override public VariableStore variables() { return store; }
  @Override public int numClasses() { return 10; }
  @Override public int[] exampleShape() { return new int[] {8, 8, 3}; }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
