package dev.ekg.prune;

import static dev.ekg.Goldens.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ekg.Goldens;
import dev.ekg.criteria.ScoringContext;
import dev.ekg.data.CifarDataset;
import dev.ekg.data.ValidationSet;
import dev.ekg.io.FloatArray;
import dev.ekg.model.Model;
import dev.ekg.model.ResNetArchitecture;
import dev.ekg.model.ResNetSpec;
import dev.ekg.nn.BnMode;
import dev.ekg.runtime.SessionOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Evaluation and search mirrored over two CPU devices. With batch statistics a replica's half of a
 * batch normalises differently from the whole batch, so the search checks use batches whose second
 * half repeats the first half's images under other labels: each replica then sees the whole batch's
 * statistics but its own gradients, and two replicas must compute what one does.
 */
class MirroredSearchTest {
  private static final ResNetArchitecture RESNET8 = ResNetArchitecture.of(ResNetSpec.ofDepth(8, 10));
  private static final SessionOptions TWO = SessionOptions.DEFAULT.withCpuReplicas(2);

  private static float[] images(int count) {
    return Arrays.copyOf(Goldens.npy("resnet56/images.npy").data(), count * CifarDataset.IMAGE_BYTES);
  }

  private static FloatArray logits(Model model, float[] images, BnMode mode) {
    int count = images.length / CifarDataset.IMAGE_BYTES;
    try (TFloat32 batch = TFloat32.tensorOf(Shape.of(count, 32, 32, 3), DataBuffers.of(images, true, false))) {
      return model.logits(batch, mode);
    }
  }

  /** Inference mode is row by row: any split, uneven or leaving a replica no rows, gives the same logits. */
  @Test
  void inferenceLogitsOnTwoReplicasEqualOnesForAnyBatchSize() {
    try (Model one = Model.create(RESNET8, SessionOptions.DEFAULT, 5); Model two = Model.create(RESNET8, TWO, 5)) {
      for (int count : new int[] {8, 5, 1}) {
        FloatArray expected = logits(one, images(count), BnMode.INFERENCE);
        assertEquals(count * 10, expected.size());
        assertClose(expected, logits(two, images(count), BnMode.INFERENCE), 1e-5, 0, count + " images");
      }
    }
  }

  @Test
  void trainModeLogitsUseEachReplicasOwnStatistics() {
    float[] doubled = twice(images(4));
    try (Model one = Model.create(RESNET8, SessionOptions.DEFAULT, 5); Model two = Model.create(RESNET8, TWO, 5)) {
      assertClose(logits(one, doubled, BnMode.TRAIN), logits(two, doubled, BnMode.TRAIN), 1e-5, 0, "[X; X]");
      float[] distinct = images(8);
      FloatArray whole = logits(one, distinct, BnMode.TRAIN);
      FloatArray halves = logits(two, distinct, BnMode.TRAIN);
      double largest = 0;
      for (int i = 0; i < whole.size(); i++) {
        largest = Math.max(largest, Math.abs(whole.data()[i] - halves.data()[i]));
      }
      assertEquals(true, largest > 1e-3, "halves with statistics of their own differ from the whole batch: " + largest);
    }
  }

  private static float[] twice(float[] half) {
    float[] out = Arrays.copyOf(half, 2 * half.length);
    System.arraycopy(half, 0, out, half.length, half.length);
    return out;
  }

  /** A validation set of batches of 8 whose second four images repeat the first four, labelled differently. */
  private static ValidationSet doubledValidationSet() {
    float[] all = Goldens.npy("resnet56/images.npy").data();
    float[] images = new float[0];
    List<Integer> labels = new ArrayList<>();
    for (int b = 0; b < 2; b++) {
      float[] half = Arrays.copyOfRange(all, 4 * b * CifarDataset.IMAGE_BYTES, 4 * (b + 1) * CifarDataset.IMAGE_BYTES);
      float[] batch = twice(half);
      images = Arrays.copyOf(images, images.length + batch.length);
      System.arraycopy(batch, 0, images, images.length - batch.length, batch.length);
      for (int copy = 0; copy < 2; copy++) {
        for (int i = 0; i < 4; i++) {
          labels.add((4 * b + i + 5 * copy) % 10);
        }
      }
    }
    return new ValidationSet(images, labels.stream().mapToInt(Integer::intValue).toArray(), CifarDataset.IMAGE_BYTES, 8);
  }

  @Test
  void scoresAndEvaluationsOnTwoReplicasEqualOnes() {
    ValidationSet val = doubledValidationSet();
    float[] knowledge = new float[val.size() * 10];
    for (int i = 0; i < knowledge.length; i++) {
      knowledge[i] = (i % 7) * 0.3f - 1f;
    }
    Map<String, FloatArray> weights;
    try (Model source = Model.create(RESNET8, SessionOptions.DEFAULT, 5)) {
      weights = source.weights();
    }
    try (Model one = Model.gated(RESNET8, weights, SessionOptions.DEFAULT); Model two = Model.gated(RESNET8, weights, TWO)) {
      SearchGraph single = new SearchGraph(one, 8);
      SearchGraph mirrored = new SearchGraph(two, 8);
      ScoringContext context = ScoringContext.ofData(val, knowledge);
      float[][] expected = single.scores(one.network().channelGroups(), context);
      float[][] actual = mirrored.scores(two.network().channelGroups(), context);
      assertEquals(expected.length, actual.length);
      for (int g = 0; g < expected.length; g++) {
        assertClose(new FloatArray(new int[] {expected[g].length}, expected[g]),
            new FloatArray(new int[] {actual[g].length}, actual[g]), 1e-4, 0, "gate " + g);
      }
      CandidateEvaluator.Evaluation e1 = single.evaluate(val, knowledge);
      CandidateEvaluator.Evaluation e2 = mirrored.evaluate(val, knowledge);
      assertEquals(e1.loss(), e2.loss(), 1e-5 * Math.abs(e1.loss()));
      assertEquals(e1.score(), e2.score(), 1e-5 * Math.abs(e1.score()));
      assertEquals(e1.accuracy(), e2.accuracy());
      assertClose(new FloatArray(new int[] {16, 10}, e1.logits()), new FloatArray(new int[] {16, 10}, e2.logits()), 1e-5);
    }
  }

  @Test
  void theSearchOnTwoReplicasChoosesTheGatesOfOne() {
    ValidationSet val = doubledValidationSet();
    Map<String, FloatArray> weights;
    try (Model source = Model.create(RESNET8, SessionOptions.DEFAULT, 5)) {
      weights = source.weights();
    }
    assertEquals(search(weights, SessionOptions.DEFAULT, val), search(weights, TWO, val));
  }

  /** The chosen gate and the widths after each of four steps. */
  private static List<String> search(Map<String, FloatArray> weights, SessionOptions options, ValidationSet val) {
    List<String> steps = new ArrayList<>();
    try (Model model = Model.gated(RESNET8, weights, options)) {
      SearchGraph graph = new SearchGraph(model, 8);
      EkgSearch search = new EkgSearch(model, graph, graph, val, new EkgSearch.Settings(0.3, 0.2));
      search.run((step, state) -> steps.add(step.gate() + " " + Arrays.toString(step.widths())), search.start(), 4);
    }
    assertEquals(4, steps.size());
    return steps;
  }
}
