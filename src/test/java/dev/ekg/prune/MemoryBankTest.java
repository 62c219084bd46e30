package dev.ekg.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ekg.io.FloatArray;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryBankTest {
  @Test
  void stackPutsTheTeacherIndexLast() {
    FloatArray t0 = new FloatArray(new int[] {2, 2}, new float[] {0, 1, 2, 3});
    FloatArray t1 = new FloatArray(new int[] {2, 2}, new float[] {10, 11, 12, 13});
    FloatArray t2 = new FloatArray(new int[] {2, 2}, new float[] {20, 21, 22, 23});
    FloatArray bank = MemoryBank.stack(List.of(t0, t1, t2));
    assertArrayEquals(new int[] {2, 2, 3}, bank.shape());
    // [n][c][t]: image 1, class 0 of teacher 2 is t2[1][0]
    assertEquals(22f, bank.data()[(1 * 2 + 0) * 3 + 2]);
    assertArrayEquals(new float[] {0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23}, bank.data());
  }

  @Test
  void teachersMustAgreeOnTheShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryBank.stack(List.of(
        new FloatArray(new int[] {2, 2}, new float[4]), new FloatArray(new int[] {1, 2}, new float[2]))));
    assertEquals("teacher 1 has logits [1, 2], teacher 0 [2, 2]", e.getMessage());
  }
}
