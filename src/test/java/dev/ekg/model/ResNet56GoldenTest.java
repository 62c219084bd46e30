package dev.ekg.model;

import static dev.ekg.Goldens.assertClose;
import static dev.ekg.Goldens.npy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ekg.Goldens;
import dev.ekg.io.FloatArray;
import dev.ekg.io.PickleWeights;
import dev.ekg.io.TensorArrays;
import dev.ekg.nn.BnMode;
import dev.ekg.nn.Gate;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The reference's pretrained ResNet-56 against the oracle's logits (relative error ≤ 1e-5). */
class ResNet56GoldenTest {
  private static final double TOLERANCE = 1e-5;
  private static Map<String, FloatArray> weights;

  @BeforeAll
  static void load() throws IOException {
    weights = PickleWeights.read(Goldens.pretrainedResNet56());
  }

  @Test
  void pretrainedLogitsInBothBatchNormModes() {
    ResNetSpec spec = ResNetSpec.of("ResNet-56", 10);
    ResNetArchitecture arch = ResNetArchitecture.fromWeights(spec, weights, "res56_cifar10.pkl");
    try (Model model = Model.withWeights(arch, weights, SessionOptions.DEFAULT);
        TFloat32 images = TensorArrays.toTensor(npy("resnet56/images.npy"))) {
      assertClose(npy("resnet56/logits_train.npy"), model.logits(images, BnMode.TRAIN), TOLERANCE);
      assertClose(npy("resnet56/logits_inference.npy"), model.logits(images, BnMode.INFERENCE), TOLERANCE);
    }
  }

  @Test
  void gatedNetworkWithTheOracleMasks() {
    JsonNode gates = Goldens.json("resnet56_masked/masks.json").get("gates");
    ResNetArchitecture arch = ResNetArchitecture.of(ResNetSpec.of("ResNet-56", 10));
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      NetworkGraph net = new NetworkGraph(tf, arch, true, 1);
      assertEquals(30, net.gates().size());
      var images = tf.constant(TensorArrays.toNdArray(npy("resnet56/images.npy")));
      var train = net.forward(tf, images, BnMode.TRAIN);
      var inference = net.forward(tf, images, BnMode.INFERENCE);
      Map<String, FloatArray> values = new LinkedHashMap<>();
      net.variables().weights().forEach(v -> values.put(v.key(), weights.get(v.pickleKey())));
      for (Gate gate : net.gates()) {
        JsonNode spec = gates.get(gate.index());
        assertEquals(spec.get("name").asText(), gate.name(), "gate order of reference §6.1");
        assertEquals(spec.get("channels").asInt(), gate.channels());
        float[] mask = new float[gate.channels()];
        for (int c = 0; c < mask.length; c++) {
          mask[c] = (float) spec.get("mask").get(c).asDouble();
        }
        values.put(gate.maskVariable().key(), new FloatArray(new int[] {mask.length}, mask));
      }
      try (Session s = new Session(g)) {
        net.variables().assign(s, values);
        try (Result r = s.runner().fetch(train.logits()).fetch(inference.logits()).run()) {
          assertClose(npy("resnet56_masked/logits_train.npy"), TensorArrays.toArray((TFloat32) r.get(0)), TOLERANCE);
          assertClose(
              npy("resnet56_masked/logits_inference.npy"), TensorArrays.toArray((TFloat32) r.get(1)), TOLERANCE);
        }
      }
      assertEquals(1 + 27 + 27, train.maskPoints().size(), "the stem, every conv1 and every block output are mask points");
    }
  }
}
