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
  @TempDir Path run;

  private static FloatArray logits(float v) {
    return new FloatArray(new int[] {2, 3}, new float[] {v, v + 1, v + 2, v + 3, v + 4, v + 5});
  }

  @Test
  void aCommittedTeacherIsReadBackInsteadOfComputedAgain() throws IOException {
    AtomicInteger computed = new AtomicInteger();
    byte[] first = {1, 2, 3};
    FloatArray a = new MemoryBankParts(run).get(first, () -> {
      computed.incrementAndGet();
      return logits(1);
    });
    // a new instance, as after a killed and resumed prune phase
    FloatArray again = new MemoryBankParts(run).get(first, () -> {
      throw new AssertionError("computed twice");
    });
    assertEquals(a, again);
    assertEquals(1, computed.get());
  }

  @Test
  void anotherIdentityIsComputed() throws IOException {
    MemoryBankParts parts = new MemoryBankParts(run);
    parts.get(new byte[] {1}, () -> logits(1));
    assertEquals(logits(7), parts.get(new byte[] {2}, () -> logits(7)));
    try (var files = Files.list(run.resolve(MemoryBankParts.DIR))) {
      assertEquals(2, files.count());
    }
  }

  @Test
  void clearRemovesEveryPart() throws IOException {
    MemoryBankParts parts = new MemoryBankParts(run);
    parts.clear();
    parts.get(new byte[] {1}, () -> logits(1));
    assertTrue(Files.isDirectory(run.resolve(MemoryBankParts.DIR)));
    parts.clear();
    assertFalse(Files.exists(run.resolve(MemoryBankParts.DIR)));
  }
}
