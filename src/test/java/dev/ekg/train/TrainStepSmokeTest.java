package dev.ekg.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.Goldens;
import dev.ekg.io.FloatArray;
import dev.ekg.model.Model;
import dev.ekg.model.ResNetArchitecture;
import dev.ekg.model.ResNetSpec;
import dev.ekg.runtime.SessionOptions;
import org.junit.jupiter.api.Test;

class TrainStepSmokeTest {
  @Test
  void lossFallsWhenFittingOneBatch() {
    FloatArray images = Goldens.npy("resnet56/images.npy");
    int[] labels = {0, 1, 2, 3, 4, 5, 6, 7};
    try (Model model = Model.create(ResNetArchitecture.of(ResNetSpec.ofDepth(8, 10)), SessionOptions.DEFAULT)) {
      TrainStep step = new TrainStep(model, new TrainStep.Config(5e-4f, 8, 2));
      float first = step.run(images.data(), labels, 8, 0.05f).loss();
      float last = first;
      for (int i = 0; i < 30; i++) {
        last = step.run(images.data(), labels, 8, 0.05f).loss();
      }
      System.out.println("loss " + first + " -> " + last);
      assertTrue(last < first / 2, first + " -> " + last);
    }
  }
}
