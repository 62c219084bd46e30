package dev.ekg.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

class TensorArraysTest {
  @Test
  void rowsCopiesTheRequestedRowsWithTheirShape() {
    float[] rows = {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32};
    try (TFloat32 t = TensorArrays.rows(rows, 3, 1, 2)) {
      FloatArray a = TensorArrays.toArray(t);
      assertArrayEquals(new int[] {2, 3}, a.shape());
      assertArrayEquals(new float[] {10, 11, 12, 20, 21, 22}, a.data());
    }
    rows[3] = -1;
    try (TFloat32 t = TensorArrays.rows(rows, 3, 3, 1)) {
      assertArrayEquals(new float[] {30, 31, 32}, TensorArrays.toArray(t).data());
    }
  }

  @Test
  void toTensorAndBackKeepsShapeAndValues() {
    FloatArray a = new FloatArray(new int[] {2, 1, 2}, new float[] {1.5f, -2, 3, 4});
    try (TFloat32 t = TensorArrays.toTensor(a)) {
      FloatArray b = TensorArrays.toArray(t);
      assertArrayEquals(a.shape(), b.shape());
      assertArrayEquals(a.data(), b.data());
    }
  }
}
