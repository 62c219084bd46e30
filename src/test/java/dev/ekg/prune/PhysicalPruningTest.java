package dev.ekg.prune;

import static dev.ekg.Goldens.assertClose;
import static dev.ekg.Goldens.npy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ekg.Goldens;
import dev.ekg.io.FloatArray;
import dev.ekg.io.PickleWeights;
import dev.ekg.io.TensorArrays;
import dev.ekg.model.GatePlan;
import dev.ekg.model.Model;
import dev.ekg.model.ResNetArchitecture;
import dev.ekg.model.ResNetSpec;
import dev.ekg.nn.BnMode;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

class PhysicalPruningTest {
  /** The oracle's masked ResNet-56 (0.9 group / 0.6 conv1 rates), as {0,1} masks per gate. */
  static float[][] oracleMasks() {
    JsonNode gates = Goldens.json("resnet56_masked/masks.json").get("gates");
    float[][] masks = new float[gates.size()][];
    for (int g = 0; g < masks.length; g++) {
      JsonNode m = gates.get(g).get("mask");
      masks[g] = new float[m.size()];
      for (int c = 0; c < m.size(); c++) {
        masks[g][c] = (float) m.get(c).asDouble();
      }
    }
    return masks;
  }

  @Test
  void thePrunedNetworkIsSmallerAndComputesTheMaskedNetworksLogits() throws IOException {
    ResNetSpec spec = ResNetSpec.of("ResNet-56", 10);
    Map<String, FloatArray> weights = PickleWeights.read(Goldens.pretrainedResNet56());
    GatePlan plan = GatePlan.of(ResNetArchitecture.fromWeights(spec, weights, "res56"));
    float[][] masks = oracleMasks();
    int[][] kept = PhysicalPruning.keptIndices(masks);
    Map<String, FloatArray> slim = PhysicalPruning.prune(plan.channelGroups(), weights, kept);

    ResNetArchitecture pruned = ResNetArchitecture.fromWeights(spec, slim, "slimmed");
    int[] keptCounts = new int[kept.length];
    for (int g = 0; g < kept.length; g++) {
      keptCounts[g] = kept[g].length;
    }
    assertEquals(plan.complexity(keptCounts), pruned.complexity(), "the masked count is the pruned network's");
    assertTrue(pruned.complexity().flops() < 0.7 * plan.fullComplexity().flops());
    try (Model model = Model.withWeights(pruned, slim, SessionOptions.DEFAULT);
        TFloat32 images = TensorArrays.toTensor(npy("resnet56/images.npy"))) {
      assertClose(npy("resnet56_masked/logits_train.npy"), model.logits(images, BnMode.TRAIN), 1e-5);
      assertClose(npy("resnet56_masked/logits_inference.npy"), model.logits(images, BnMode.INFERENCE), 1e-5);
    }
  }
}
