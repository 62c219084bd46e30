package dev.ekg.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ekg.DeterministicWeights;
import dev.ekg.Goldens;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.FloatArray;
import dev.ekg.io.TensorArrays;
import dev.ekg.method.StructuralEdit;
import dev.ekg.model.Architecture;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkSpec;
import dev.ekg.nn.BnMode;
import dev.ekg.runtime.SessionOptions;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.types.TFloat32;

/**
 * The invariant every architecture family must keep: the physically pruned network computes the
 * gated network's logits under the same masks (≤ 1e-5, both BN modes), and its params/FLOPs are the
 * masked count.
 *
 * <p>The moving statistics are first re-estimated on the test images under the masks, as a trained
 * network's match its activations: with random statistics a deep network in inference mode is so
 * ill-conditioned (gains of several per layer, nothing renormalising) that float32 rounding alone
 * moves MobileNetV2's logits by 1e-3. MobileNetV2 gets 1e-4: on random weights its 52 batch norms
 * amplify float32 rounding so much that the oracle's own float32 logits are 1.7e-5 from float64
 * (golden/mobilenetv2, {@code float64_rel_err}), and pruning changes the reduction length of every
 * conv; the ResNets hold 1e-5 with a wide margin.
 */
class PrunedEqualsMaskedTest {
  /** EMA steps of momentum 0.9 that bring the moving statistics within 0.9⁴⁰ ≈ 1.5 % of the batch's. */
  private static final int STATISTICS_UPDATES = 40;
  private static final int IMAGES = 8;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ResNet-20, 10, 1e-5", "ResNet-18, 1000, 1e-5", "MobileNetV2-0.5, 10, 1e-4"})
  void prunedLogitsAreMaskedLogits(String archName, int classes, double tolerance) {
    NetworkSpec spec = NetworkSpec.parse(archName, classes);
    Architecture arch = spec.unpruned();
    float[][] masks = RandomMasks.draw(arch.channelGroups(), new NumpyLegacyRandom(22));
    assertPrunedIsMasked(spec, DeterministicWeights.weights(arch, 21), masks, tolerance, archName);
  }

  /**
   * The invariant for any {@code masks} of the network {@code weights} hold: pruned logits equal
   * masked ones within {@code tolerance} in both BN modes, and the pruned network's complexity is
   * the kept counts'.
   */
  static void assertPrunedIsMasked(
      NetworkSpec spec, Map<String, FloatArray> weights, float[][] masks, double tolerance, String label) {
    Architecture arch = spec.fromWeights(weights, label);
    ChannelGroups groups = arch.channelGroups();
    StructuralEdit edit = new StructuralEdit(PhysicalPruning.keptIndices(masks));
    try (Model gated = Model.gated(arch, weights, SessionOptions.DEFAULT);
        TFloat32 images = TensorArrays.toTensor(DeterministicWeights.images(23, IMAGES, arch.inputSize()))) {
      gated.setMasks(masks);
      for (int i = 0; i < STATISTICS_UPDATES; i++) {
        gated.updateBatchNormStatistics(images);
      }
      Map<String, FloatArray> slim = edit.apply(groups, gated.weights());
      Architecture pruned = spec.fromWeights(slim, "slim");
      assertEquals(groups.complexity(edit.keptCounts()), pruned.complexity());
      try (Model small = Model.withWeights(pruned, slim, SessionOptions.DEFAULT)) {
        for (BnMode mode : BnMode.values()) {
          Goldens.assertClose(gated.logits(images, mode), small.logits(images, mode), tolerance, 0, label + " " + mode);
        }
      }
    }
  }
}
