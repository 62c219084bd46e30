package dev.ekg.io;

import java.util.Arrays;

/**
 * A dense float32 array on the host, stored in C (row-major) order: the exchange type between
 * weight files, datasets and graph tensors.
 */
public final class FloatArray {
  private final int[] shape;
  private final float[] data;

  public FloatArray(int[] shape, float[] data) {
    long expected = elementCount(shape);
    if (expected != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + expected + " values, got " + data.length);
    }
    this.shape = shape.clone();
    this.data = data;
  }

  public static FloatArray zeros(int... shape) {
    return new FloatArray(shape, new float[Math.toIntExact(elementCount(shape))]);
  }

  public static long elementCount(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    return n;
  }

  /** The shape; a copy, so callers cannot change it. */
  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    return shape[axis < 0 ? shape.length + axis : axis];
  }

  /** The backing values in C order (not copied). */
  public float[] data() {
    return data;
  }

  public int size() {
    return data.length;
  }

  public FloatArray reshape(int... newShape) {
    return new FloatArray(newShape, data);
  }

  /** The sub-array keeping {@code indices} (in that order) along {@code axis}. */
  public FloatArray select(int axis, int[] indices) {
    int a = axis < 0 ? shape.length + axis : axis;
    int outer = 1;
    for (int i = 0; i < a; i++) {
      outer *= shape[i];
    }
    int inner = 1;
    for (int i = a + 1; i < shape.length; i++) {
      inner *= shape[i];
    }
    int[] outShape = shape.clone();
    outShape[a] = indices.length;
    float[] out = new float[outer * indices.length * inner];
    for (int o = 0; o < outer; o++) {
      for (int k = 0; k < indices.length; k++) {
        int index = java.util.Objects.checkIndex(indices[k], shape[a]);
        System.arraycopy(data, (o * shape[a] + index) * inner, out, (o * indices.length + k) * inner, inner);
      }
    }
    return new FloatArray(outShape, out);
  }

  /** This array with zeros appended along {@code axis} up to {@code size} entries. */
  public FloatArray zeroPadded(int axis, int size) {
    int a = axis < 0 ? shape.length + axis : axis;
    if (size < shape[a]) {
      throw new IllegalArgumentException("cannot pad axis " + a + " of " + shapeString() + " to " + size);
    }
    int outer = 1;
    for (int i = 0; i < a; i++) {
      outer *= shape[i];
    }
    int block = data.length / outer;
    int[] outShape = shape.clone();
    outShape[a] = size;
    int paddedBlock = block / shape[a] * size;
    float[] out = new float[outer * paddedBlock];
    for (int o = 0; o < outer; o++) {
      System.arraycopy(data, o * block, out, o * paddedBlock, block);
    }
    return new FloatArray(outShape, out);
  }

  public String shapeString() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatArray other
        && Arrays.equals(shape, other.shape)
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatArray" + shapeString();
  }
}
