package dev.ekg.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ekg.DeterministicWeights;
import dev.ekg.Goldens;
import dev.ekg.io.FloatArray;
import dev.ekg.io.TensorArrays;
import dev.ekg.nn.BnMode;
import dev.ekg.runtime.CpuKernels;
import dev.ekg.runtime.SessionOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/** MobileNetV2 against the oracle's own implementation of the same definition (golden/mobilenetv2). */
class MobileNetV2GoldenTest {
  @Test
  void everyWidthHasTheOraclesKeysShapesParamsAndFlops() {
    for (JsonNode w : Goldens.json("mobilenetv2/widths.json").get("widths")) {
      NetworkSpec spec = NetworkSpec.parse(w.get("arch").asText(), w.get("num_classes").asInt());
      Architecture arch = spec.unpruned();
      assertEquals(w.get("arch").asText(), arch.archName());
      List<String> expected = new ArrayList<>();
      w.get("keys").forEach(k -> expected.add(k.get(0).asText() + " " + k.get(1)));
      List<String> actual = new ArrayList<>();
      arch.layerGraph().nodes().forEach(n -> n.layer().arrays().forEach(a ->
          actual.add(a.key() + " " + Arrays.toString(a.shape()).replace(" ", ""))));
      assertEquals(expected, actual, arch.archName());
      assertEquals(w.get("params").asLong(), arch.complexity().params(), arch.archName());
      assertEquals(w.get("flops").asLong(), arch.complexity().flops(), arch.archName());
    }
  }

  /** On the oracle's own kernels (Eigen) float32 rounding is the only difference left. */
  @Test
  @Tag("oracle-kernels")
  void forwardPassInBothBatchNormModesMatchesTheOracleOnItsKernels() {
    assertEquals(CpuKernels.EIGEN, CpuKernels.active(),
        "the oracle's kernels need " + CpuKernels.ENVIRONMENT_VARIABLE + "=0 (test execution oracle-kernels, pom.xml)");
    assertForwardPassMatches(1e-5, 1e-5);
  }

  /**
   * On any kernels: 52 batch norms on random weights amplify float32 rounding, so the oracle's own
   * logits are up to 1.7e-5 from float64; |ours − oracle| ≤ |ours − exact| + |oracle − exact| allows
   * our error to be twice the oracle's, three times its error in all.
   */
  @Test
  void forwardPassInBothBatchNormModesMatchesTheOracleOnAnyKernels() {
    JsonNode float64 = Goldens.json("mobilenetv2/forward_0.5.json").get("float64_rel_err");
    assertForwardPassMatches(3 * float64.get("train").get("fused").asDouble(),
        3 * float64.get("inference").get("fused").asDouble());
  }

  private static void assertForwardPassMatches(double trainBound, double inferenceBound) {
    JsonNode golden = Goldens.json("mobilenetv2/forward_0.5.json");
    NetworkSpec spec = NetworkSpec.parse("MobileNetV2-0.5", 10);
    Map<String, FloatArray> weights = DeterministicWeights.weights(spec.unpruned(), golden.get("weight_seed").asLong());
    Architecture arch = spec.fromWeights(weights, "generated");
    try (Model model = Model.withWeights(arch, weights, SessionOptions.DEFAULT);
        TFloat32 images = TensorArrays.toTensor(DeterministicWeights.images(golden.get("image_seed").asLong(), 8, 32))) {
      Goldens.assertClose(matrix(golden.get("logits_train")), model.logits(images, BnMode.TRAIN), trainBound);
      Goldens.assertClose(matrix(golden.get("logits_inference")), model.logits(images, BnMode.INFERENCE), inferenceBound);
    }
  }

  @Test
  void theGeneratedWeightsAreTheOracles() {
    JsonNode sums = Goldens.json("mobilenetv2/forward_0.5.json").get("sum");
    Map<String, FloatArray> weights = DeterministicWeights.weights(NetworkSpec.parse("MobileNetV2-0.5", 10).unpruned(), 11);
    double total = 0;
    long count = 0;
    for (FloatArray a : weights.values()) {
      for (float v : a.data()) {
        total += v;
      }
      count += a.size();
    }
    assertEquals(sums.get("weight_values").asLong(), count);
    assertEquals(sums.get("weights").asDouble(), total, 1e-6 * Math.abs(total));
    double images = 0;
    for (float v : DeterministicWeights.images(12, 8, 32).data()) {
      images += v;
    }
    assertEquals(sums.get("images").asDouble(), images, 1e-9 * 24576);
  }

  @Test
  void archNamesParseAndBadOnesAreNamed() {
    assertEquals("MobileNetV2-1.0", NetworkSpec.parse("MobileNetV2", 10).archName());
    assertEquals("MobileNetV2-0.75", NetworkSpec.parse("mobilenetv2-0.75", 10).archName());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NetworkSpec.parse("MobileNetV2-0.6", 10));
    assertEquals("--arch: MobileNetV2 width multiplier must be one of 0.5, 0.75, 1.0, 1.4, got 0.6", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> NetworkSpec.parse("MobileNetV2x", 10));
    assertEquals("--arch must look like MobileNetV2 or MobileNetV2-<width> (0.5, 0.75, 1.0, 1.4), got 'MobileNetV2x'",
        e.getMessage());
  }

  @Test
  void aWeightFileOfAnotherWidthIsRefusedWithTheKeyAndShapes() {
    Map<String, FloatArray> weights = DeterministicWeights.weights(NetworkSpec.parse("MobileNetV2-0.5", 10).unpruned(), 1);
    weights.put("Block1.0/expand_bn/gamma:0", FloatArray.zeros(1, 1, 1, 7));
    ArchitectureMismatchException e = assertThrows(ArchitectureMismatchException.class,
        () -> NetworkSpec.parse("MobileNetV2-0.5", 10).fromWeights(weights, "w.pkl"));
    assertEquals("w.pkl: 'Block1.0/expand_bn/gamma:0' has shape [1, 1, 1, 7], expected [1, 1, 1, 48]", e.getMessage());
  }

  private static FloatArray matrix(JsonNode rows) {
    float[] data = new float[rows.size() * rows.get(0).size()];
    int i = 0;
    for (JsonNode row : rows) {
      for (JsonNode v : row) {
        data[i++] = (float) v.asDouble();
      }
    }
    return new FloatArray(new int[] {rows.size(), rows.get(0).size()}, data);
  }
}
