package dev.ekg.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.ekg.Goldens;
import dev.ekg.data.CifarDataset;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.Normalization;
import dev.ekg.data.SyntheticCifar;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.FloatArray;
import dev.ekg.io.WeightFiles;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkSpec;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The memory bank's teachers run physically pruned give the logits of the reference's masked
 * network (§6.7) within 1e-4 relative: the pretrained ResNet-56 on batch statistics, three batches
 * of 128 (the last one partial), under random sub-networks and under the unpruned one.
 */
class SlicedTeacherTest {
  private static final int BATCH = 128;

  @Test
  void slicedTeachersComputeTheMaskedTeachersLogits() throws IOException {
    NetworkSpec spec = NetworkSpec.parse("ResNet-56", 10);
    Map<String, FloatArray> weights = WeightFiles.read(Goldens.pretrainedResNet56());
    ChannelGroups groups = spec.fromWeights(weights, "pretrained").channelGroups();
    CifarDataset train = new SyntheticCifar(CifarVariant.CIFAR10, 30, 1, 3, SyntheticCifar.DEFAULT_NOISE)
        .generate().train();
    MemoryBank bank = new MemoryBank(train, Normalization.CIFAR10, BATCH,
        ProgressReporter.plain(new PrintWriter(new StringWriter())));
    NumpyLegacyRandom random = new NumpyLegacyRandom(5);
    float[][][] teachers = {groups.allKeptMasks(), RandomMasks.draw(groups, random), RandomMasks.draw(groups, random)};
    try (Model gated = Model.gated(spec.fromWeights(weights, "pretrained"), weights, SessionOptions.DEFAULT)) {
      for (int t = 0; t < teachers.length; t++) {
        FloatArray masked = bank.maskedTeacher(gated, teachers[t], "masked " + t);
        FloatArray sliced = bank.slicedTeacher(spec, groups, weights, teachers[t], SessionOptions.DEFAULT, "sliced " + t);
        assertArrayEquals(new int[] {300, 10}, sliced.shape());
        Goldens.assertClose(masked, sliced, 1e-4, 0, "teacher " + t);
      }
    }
  }
}
