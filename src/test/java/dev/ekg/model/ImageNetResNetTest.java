package dev.ekg.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ekg.io.FloatArray;
import dev.ekg.io.TensorArrays;
import dev.ekg.nn.BnMode;
import dev.ekg.runtime.SessionOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.types.TFloat32;

/** The ImageNet-stem ResNets of reference §3: built, counted and run once at 224×224. */
class ImageNetResNetTest {
  /**
   * torchvision's parameter counts (conv, BN γ/β, FC with bias) of the same networks; the
   * reference also counts the two BN moving statistics per channel (§4.4).
   */
  @ParameterizedTest
  @CsvSource({"18, 11689512, 12", "34, 21797672, 20", "50, 25557032, 37"})
  void countsBuildsAndRuns(int depth, long torchvisionParams, int gates) {
    ResNetArchitecture arch = ResNetArchitecture.of(ResNetSpec.ofDepth(depth, 1000));
    long bnChannels = arch.convUnits().stream().mapToLong(ConvUnit::outChannels).sum();
    assertEquals(torchvisionParams + 2 * bnChannels, arch.complexity().params());
    assertEquals(gates, GatePlan.of(arch).size());
    assertEquals(7, arch.stem().kernelSize());
    assertEquals(56, arch.afterStemSize());
    try (Model model = Model.create(arch, SessionOptions.DEFAULT);
        TFloat32 image = TensorArrays.toTensor(FloatArray.zeros(1, 224, 224, 3))) {
      assertArrayEquals(new int[] {1, 1000}, model.logits(image, BnMode.INFERENCE).shape());
    }
  }
}
