package dev.ekg.io;

import java.util.Arrays;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Copies between {@link FloatArray} and TF float tensors. */
public final class TensorArrays {
  private TensorArrays() {}

  public static Shape shapeOf(int[] shape) {
    long[] dims = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      dims[i] = shape[i];
    }
    return Shape.of(dims);
  }

  /** A new tensor holding a copy of {@code array}; the caller closes it. */
  public static TFloat32 toTensor(FloatArray array) {
    return TFloat32.tensorOf(shapeOf(array.shape()), DataBuffers.of(array.data(), true, false));
  }

  /**
   * A new {@code [count, rowLength]} tensor holding rows {@code first … first+count−1} of the
   * row-major {@code rows}; the caller closes it.
   */
  public static TFloat32 rows(float[] rows, int rowLength, int first, int count) {
    float[] part = Arrays.copyOfRange(rows, first * rowLength, (first + count) * rowLength);
    return TFloat32.tensorOf(Shape.of(count, rowLength), DataBuffers.of(part, true, false));
  }

  /**
   * A new {@code [count, exampleShape…]} tensor holding examples {@code first … first+count−1} of
   * {@code data}; the caller closes it.
   */
  public static TFloat32 examples(float[] data, int first, int count, int[] exampleShape) {
    int size = Arrays.stream(exampleShape).reduce(1, Math::multiplyExact);
    TFloat32 tensor = TFloat32.tensorOf(batchShape(count, exampleShape));
    tensor.asRawTensor().data().asFloats().write(data, first * size, count * size);
    return tensor;
  }

  /** {@code [count, exampleShape…]}. */
  public static Shape batchShape(int count, int[] exampleShape) {
    int[] shape = new int[exampleShape.length + 1];
    shape[0] = count;
    System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
    return shapeOf(shape);
  }

  public static FloatNdArray toNdArray(FloatArray array) {
    return NdArrays.wrap(shapeOf(array.shape()), DataBuffers.of(array.data(), true, false));
  }

  public static FloatArray toArray(TFloat32 tensor) {
    long[] dims = tensor.shape().asArray();
    int[] shape = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      shape[i] = Math.toIntExact(dims[i]);
    }
    float[] data = new float[Math.toIntExact(tensor.size())];
    tensor.asRawTensor().data().asFloats().read(data);
    return new FloatArray(shape, data);
  }
}
