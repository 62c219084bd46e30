package dev.ekg.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ekg.data.CifarDataset;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.Normalization;
import dev.ekg.data.SyntheticCifar;
import dev.ekg.nn.BnMode;
import dev.ekg.runtime.SessionOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Batches run two at a time give the logits of one batch after the other, bit for bit, handed over
 * in dataset order: on batch statistics (the memory bank) and on moving ones (evaluation).
 */
class LogitsPassTest {
  private static final int BATCH = 64;

  private record Pass(List<Integer> firsts, List<Integer> counts, float[] logits, int[] labels) {}

  private static Pass pass(Model model, BnMode mode, CifarDataset data, int inFlight) {
    List<Integer> firsts = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    float[] logits = new float[data.size() * 10];
    int[] labels = new int[data.size()];
    LogitsPass.forEach(model, mode, data, Normalization.CIFAR10, BATCH, inFlight, (first, count, z, y) -> {
      firsts.add(first);
      counts.add(count);
      System.arraycopy(z, 0, logits, first * 10, count * 10);
      System.arraycopy(y, 0, labels, first, count);
    });
    return new Pass(firsts, counts, logits, labels);
  }

  @Test
  void batchesInFlightGiveTheLogitsOfOneBatchAfterTheOther() {
    CifarDataset data = new SyntheticCifar(CifarVariant.CIFAR10, 30, 1, 3, SyntheticCifar.DEFAULT_NOISE)
        .generate().train();
    try (Model model = Model.create(ResNetArchitecture.of(ResNetSpec.of("ResNet-20", 10)), SessionOptions.DEFAULT, 4)) {
      for (BnMode mode : BnMode.values()) {
        Pass sequential = pass(model, mode, data, 1);
        Pass concurrent = pass(model, mode, data, 2);
        assertEquals(List.of(0, 64, 128, 192, 256), concurrent.firsts(), mode + ": batches in dataset order");
        assertEquals(List.of(64, 64, 64, 64, 44), concurrent.counts(), mode + ": batch sizes");
        assertArrayEquals(sequential.logits(), concurrent.logits(), mode + ": logits");
        assertArrayEquals(data.labels(), concurrent.labels(), mode + ": labels");
      }
    }
  }

  @Test
  void aFailingConsumerStopsThePass() {
    CifarDataset data = new SyntheticCifar(CifarVariant.CIFAR10, 30, 1, 3, SyntheticCifar.DEFAULT_NOISE)
        .generate().train();
    List<Integer> seen = new ArrayList<>();
    try (Model model = Model.create(ResNetArchitecture.of(ResNetSpec.of("ResNet-20", 10)), SessionOptions.DEFAULT, 4)) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> LogitsPass.forEach(model, BnMode.INFERENCE, data, Normalization.CIFAR10, BATCH, 2, (first, count, z, y) -> {
            seen.add(first);
            if (first == 64) {
              throw new IllegalStateException("stop at 64");
            }
          }));
      assertEquals("stop at 64", e.getMessage());
      assertEquals(List.of(0, 64), seen);
    }
  }
}
