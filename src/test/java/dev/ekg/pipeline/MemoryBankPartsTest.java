package dev.ekg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.io.FloatArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBankPartsTest {
  private static final byte[] CONTEXT = {1, 2, 3};
  private static final float[][] MASKS = {{1, 0, 1}, {1, 1}};

  @TempDir Path run;

  private static FloatArray logits(float v) {
    return new FloatArray(new int[] {2, 3}, new float[] {v, v + 1, v + 2, v + 3, v + 4, v + 5});
  }

  private long parts() throws IOException {
    try (var files = Files.list(run.resolve(MemoryBankParts.DIR))) {
      return files.count();
    }
  }

  @Test
  void aCommittedTeacherIsReadBackInsteadOfComputedAgain() throws IOException {
    AtomicInteger computed = new AtomicInteger();
    FloatArray a = new MemoryBankParts(run, CONTEXT).get(MASKS, () -> {
      computed.incrementAndGet();
      return logits(1);
    });
    // a new instance, as after a killed and resumed prune phase
    FloatArray again = new MemoryBankParts(run, CONTEXT.clone()).get(new float[][] {{1, 0, 1}, {1, 1}}, () -> {
      throw new AssertionError("computed twice");
    });
    assertEquals(a, again);
    assertEquals(1, computed.get());
  }

  @Test
  void otherMasksOrAnotherContextAreComputed() throws IOException {
    new MemoryBankParts(run, CONTEXT).get(MASKS, () -> logits(1));
    assertEquals(logits(7), new MemoryBankParts(run, CONTEXT).get(new float[][] {{1, 1, 0}, {1, 1}}, () -> logits(7)));
    assertEquals(logits(9), new MemoryBankParts(run, new byte[] {1, 2, 4}).get(MASKS, () -> logits(9)));
    assertEquals(3, parts());
  }

  @Test
  void clearRemovesEveryPart() throws IOException {
    MemoryBankParts.clear(run);
    new MemoryBankParts(run, CONTEXT).get(MASKS, () -> logits(1));
    assertEquals(1, parts());
    MemoryBankParts.clear(run);
    assertFalse(Files.exists(run.resolve(MemoryBankParts.DIR)));
    assertTrue(Files.isDirectory(run));
  }
}
