package dev.ekg.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Spliterators;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.PlacedGradients;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/** Gradient ops on the device of their forward pass (tfjava-notes §5), on two CPU devices. */
class PlacedGradientsTest {
  private static final DeviceSpec SECOND_CPU =
      DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(1).build();

  /** {@code Σ relu(x·w)²} on the second CPU and its gradient with respect to {@code w}, placed or not. */
  private record Net(Graph graph, Output<?> placed, Output<?> unplaced) {}

  private static Net net() {
    Graph graph = new Graph();
    Ops tf = Ops.create(graph).withDevice(SECOND_CPU);
    Operand<TFloat32> x = tf.constant(new float[][] {{1, -2, 3}, {0.5f, 4, -1}});
    Operand<TFloat32> w = tf.withName("w").constant(new float[][] {{0.1f, -0.3f}, {0.2f, 0.4f}, {-0.5f, 0.6f}});
    Operand<TFloat32> h = tf.nn.relu(tf.linalg.matMul(x, w));
    Operand<TFloat32> y = tf.reduceSum(tf.math.square(h), tf.constant(new int[] {0, 1}));
    Output<?> placed = PlacedGradients.add(graph, "tower1/gradients", tf.scope().getDeviceString(), y.asOutput(),
        new Output<?>[] {w.asOutput()})[0];
    Output<?> unplaced = graph.addGradients("plain", new Output<?>[] {y.asOutput()},
        new Output<?>[] {w.asOutput()}, null)[0];
    return new Net(graph, placed, unplaced);
  }

  private static Session twoCpus(Graph graph) {
    return new Session(graph, ConfigProto.newBuilder().putDeviceCount("CPU", 2).setAllowSoftPlacement(false).build());
  }

  @Test
  void theGradientIsTheSameAndItsOpsNameTheForwardDevice() {
    Net net = net();
    try (Graph graph = net.graph(); Session session = twoCpus(graph);
        Result result = session.runner().fetch(net.placed()).fetch(net.unplaced()).run()) {
      float[][] placed = StdArrays.array2dCopyOf((TFloat32) result.get(0));
      float[][] unplaced = StdArrays.array2dCopyOf((TFloat32) result.get(1));
      for (int i = 0; i < placed.length; i++) {
        assertArrayEquals(unplaced[i], placed[i], 0f);
      }
      assertTrue(Math.abs(placed[0][0]) > 0, "a gradient that is all zero proves nothing");
      List<GraphOperation> copies = StreamSupport.stream(Spliterators.spliteratorUnknownSize(graph.operations(), 0), false)
          .filter(op -> op.name().startsWith("tower1/gradients_placed/")).toList();
      assertFalse(copies.isEmpty());
      copies.forEach(op -> assertEquals("/device:CPU:1", op.device(), op.name()));
      assertEquals("", graph.operation(net.unplaced().op().name()).device(), "addGradients places nothing");
    }
  }

  /** Where the ops ran, from the partition graphs TensorFlow executed: the backward MatMul on CPU:1. */
  @Test
  void theBackwardPassRunsOnTheForwardDevice() {
    Net net = net();
    try (Graph graph = net.graph(); Session session = twoCpus(graph)) {
      assertEquals("/job:localhost/replica:0/task:0/device:CPU:1", ranOn(session, net.placed()));
      assertEquals("/job:localhost/replica:0/task:0/device:CPU:0", ranOn(session, net.unplaced()),
          "without placement the gradient runs on the first device (the gap this closes)");
    }
  }

  private static String ranOn(Session session, Output<?> fetch) {
    try (Result run = session.runner().fetch(fetch)
        .setOptions(RunOptions.newBuilder().setOutputPartitionGraphs(true).build()).runAndFetchMetadata()) {
      RunMetadata metadata = run.getMetadata().orElseThrow();
      String opName = fetch.op().name();
      return metadata.getPartitionGraphsList().stream().flatMap(g -> g.getNodeList().stream())
          .filter(n -> n.getName().equals(opName)).map(NodeDef::getDevice).findFirst().orElseThrow();
    }
  }
}
