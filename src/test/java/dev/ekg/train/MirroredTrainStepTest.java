package dev.ekg.train;

import static dev.ekg.Goldens.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.Goldens;
import dev.ekg.io.FloatArray;
import dev.ekg.io.NpyFile;
import dev.ekg.io.PickleWeights;
import dev.ekg.model.Model;
import dev.ekg.model.ResNetArchitecture;
import dev.ekg.model.ResNetSpec;
import dev.ekg.nn.ModelVariable;
import dev.ekg.nn.VariableKind;
import dev.ekg.nn.VariableStore;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The training step mirrored over CPU devices (reference §5.3 MirroredStrategy semantics). */
class MirroredTrainStepTest {
  private static final float WEIGHT_DECAY = 5e-4f;
  private static final float LR = 0.1f;

  private static SessionOptions replicas(int count) {
    return SessionOptions.DEFAULT.withCpuReplicas(count);
  }

  /** Without batch norm the replicas' summed gradients are the whole batch's: n replicas = 1. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void onABatchNormFreeNetTwoReplicasMakeTheStepsOfOne(int accum) throws IOException {
    float[] images = Goldens.npy("train/accumulation/images.npy").data();
    int[] labels = NpyFile.readInt(Goldens.ROOT.resolve("train/accumulation/labels.npy")).data();
    Map<String, FloatArray> one = tinyNetAfterThreeSteps(1, accum, images, labels);
    Map<String, FloatArray> two = tinyNetAfterThreeSteps(2, accum, images, labels);
    assertEquals(6, one.size());
    one.forEach((key, value) -> assertClose(value, two.get(key), 1e-5, 0, key));
  }

  private static Map<String, FloatArray> tinyNetAfterThreeSteps(int replicas, int accum, float[] images, int[] labels)
      throws IOException {
    try (TinyNet net = new TinyNet(replicas(replicas))) {
      Map<String, FloatArray> initial = new LinkedHashMap<>();
      PickleWeights.read(Goldens.ROOT.resolve("train/accumulation/initial.pkl"))
          .forEach((k, v) -> initial.put(k.replace(":0", ""), v));
      TrainStep step = new TrainStep(net, new TrainStep.Config(WEIGHT_DECAY, 8, accum));
      net.variables().assign(net.session(), initial);
      for (int i = 0; i < 3; i++) {
        step.run(images, labels, 8, LR);
      }
      return VariableStore.read(net.session(), step.stateVariables());
    }
  }

  /** With the memory bank each replica takes its examples' two views and teacher logits. */
  @Test
  void withTheMemoryBankTwoReplicasOnABatchNormFreeNetMakeTheStepsOfOne() throws IOException {
    float[] oneView = Goldens.npy("train/accumulation/images.npy").data();
    int example = oneView.length / 8;
    float[] images = new float[2 * oneView.length];
    for (int b = 0; b < 8; b++) {
      System.arraycopy(oneView, b * example, images, 2 * b * example, example);
      for (int i = 0; i < example; i++) {
        images[(2 * b + 1) * example + i] = -0.5f * oneView[b * example + i];
      }
    }
    float[] knowledge = new float[8 * 10 * 3];
    for (int i = 0; i < knowledge.length; i++) {
      knowledge[i] = (float) Math.sin(0.7 * i);
    }
    int[] labels = NpyFile.readInt(Goldens.ROOT.resolve("train/accumulation/labels.npy")).data();
    Map<String, FloatArray> one = tinyNetWithTheBank(1, images, labels, knowledge);
    Map<String, FloatArray> two = tinyNetWithTheBank(2, images, labels, knowledge);
    one.forEach((key, value) -> assertClose(value, two.get(key), 1e-5, 0, key));
  }

  private static Map<String, FloatArray> tinyNetWithTheBank(int replicas, float[] images, int[] labels, float[] bank)
      throws IOException {
    try (TinyNet net = new TinyNet(replicas(replicas))) {
      Map<String, FloatArray> initial = new LinkedHashMap<>();
      PickleWeights.read(Goldens.ROOT.resolve("train/accumulation/initial.pkl"))
          .forEach((k, v) -> initial.put(k.replace(":0", ""), v));
      TrainStep step = new TrainStep(net, new TrainStep.Config(WEIGHT_DECAY, 8, 1, 3));
      net.variables().assign(net.session(), initial);
      for (int i = 0; i < 3; i++) {
        step.run(images, labels, bank, 8, LR);
      }
      return VariableStore.read(net.session(), step.stateVariables());
    }
  }

  /**
   * With batch norm each replica normalises with its own half's statistics. Checked against the
   * same semantics computed on one replica, half by half: the first step's momentum slot is
   * {@code −lr·(g_A + g_B + wd·w)} (Keras Nesterov from a zero slot), the weights move by 1.9 times
   * it, and each moving statistic takes the mean of the two halves' updates.
   */
  @Test
  void withBatchNormEachReplicaUsesItsOwnHalfsStatistics() {
    float[] images = Goldens.npy("resnet56/images.npy").data();
    int[] labels = {0, 1, 2, 3, 4, 5, 6, 7};
    int half = images.length / 2;
    float[] first = Arrays.copyOfRange(images, 0, half);
    float[] second = Arrays.copyOfRange(images, half, images.length);
    ResNetArchitecture resnet8 = ResNetArchitecture.of(ResNetSpec.ofDepth(8, 10));

    Map<String, FloatArray> initial;
    Map<String, FloatArray> gradientsFirst;
    Map<String, FloatArray> gradientsSecond;
    Map<String, FloatArray> statisticsFirst;
    Map<String, FloatArray> statisticsSecond;
    try (Model single = Model.create(resnet8, SessionOptions.DEFAULT, 5)) {
      TrainStep step = new TrainStep(single, new TrainStep.Config(WEIGHT_DECAY, 8, 1));
      initial = VariableStore.read(single.session(), single.variables().weights());
      gradientsFirst = step.lossGradients(first, new int[] {0, 1, 2, 3}, 4);
      gradientsSecond = step.lossGradients(second, new int[] {4, 5, 6, 7}, 4);
      statisticsFirst = movingStatisticsAfterOneUpdate(single, first, initial);
      statisticsSecond = movingStatisticsAfterOneUpdate(single, second, initial);
    }

    try (Model mirrored = Model.create(resnet8, replicas(2), 5)) {
      TrainStep step = new TrainStep(mirrored, new TrainStep.Config(WEIGHT_DECAY, 8, 1));
      step.run(images, labels, 8, LR);
      Map<String, FloatArray> after = VariableStore.read(mirrored.session(), step.stateVariables());
      int checked = 0;
      for (ModelVariable v : mirrored.variables().of(VariableKind.TRAINABLE)) {
        FloatArray w = initial.get(v.key());
        float[] slot = new float[w.size()];
        float[] moved = new float[w.size()];
        for (int i = 0; i < slot.length; i++) {
          float g = gradientsFirst.get(v.key()).data()[i] + gradientsSecond.get(v.key()).data()[i]
              + WEIGHT_DECAY * w.data()[i];
          slot[i] = -LR * g;
          moved[i] = w.data()[i] + 1.9f * slot[i];
        }
        assertClose(new FloatArray(w.shape(), slot), after.get(KerasNesterovMomentum.SLOT_PREFIX + v.key()), 1e-5,
            0, "slot of " + v.key());
        assertClose(new FloatArray(w.shape(), moved), after.get(v.key()), 1e-5, 0, v.key());
        checked++;
      }
      for (ModelVariable v : mirrored.variables().of(VariableKind.MOVING_STATISTIC)) {
        float[] mean = new float[v.shape()[3]];
        for (int i = 0; i < mean.length; i++) {
          mean[i] = (statisticsFirst.get(v.key()).data()[i] + statisticsSecond.get(v.key()).data()[i]) / 2;
        }
        assertClose(new FloatArray(v.shape(), mean), after.get(v.key()), 1e-5, 0, v.key());
        checked++;
      }
      assertEquals(initial.size(), checked);
    }
  }

  private static Map<String, FloatArray> movingStatisticsAfterOneUpdate(
      Model model, float[] images, Map<String, FloatArray> initial) {
    model.variables().assign(model.session(), initial);
    try (var batch = org.tensorflow.types.TFloat32.tensorOf(
        org.tensorflow.ndarray.Shape.of(4, 32, 32, 3), org.tensorflow.ndarray.buffer.DataBuffers.of(images, true, false))) {
      model.updateBatchNormStatistics(batch);
    }
    return VariableStore.read(model.session(), model.variables().of(VariableKind.MOVING_STATISTIC));
  }

  @Test
  void aBatchThatDoesNotSplitOverTheReplicasIsRefusedNamingBothNumbers() {
    try (TinyNet net = new TinyNet(replicas(3))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new TrainStep(net, new TrainStep.Config(WEIGHT_DECAY, 8, 1)));
      assertEquals("--batch_size 8 does not split evenly over 3 replicas × --accum 1: expected a multiple of 3",
          e.getMessage());
    }
  }

  @Test
  void eachReplicaIsPlacedOnItsOwnDevice() {
    try (TinyNet net = new TinyNet(replicas(2))) {
      new TrainStep(net, new TrainStep.Config(WEIGHT_DECAY, 8, 1));
      assertEquals("/device:CPU:0", net.graph().operation("train/replica0/images").device());
      assertEquals("/device:CPU:1", net.graph().operation("train/replica1/images").device());
      assertEquals("/device:CPU:1", net.graph().operation("train/replica1/loss").device());
      for (int r = 0; r < 2; r++) {
        String gradients = "train/replica" + r + "/gradients_placed/";
        List<String> devices = new ArrayList<>();
        net.graph().operations().forEachRemaining(op -> {
          if (op.name().startsWith(gradients)) {
            devices.add(op.device());
          }
        });
        assertTrue(devices.size() > 10, gradients + " has " + devices.size() + " ops");
        assertEquals(Set.of("/device:CPU:" + r), Set.copyOf(devices), "the devices of " + gradients);
      }
    }
  }
}
