package dev.ekg.io;

import java.util.HashMap;
import java.util.Map;
import org.tensorflow.types.TFloat32;

/**
 * Reusable input tensors, one per batch size: a batch is written into the existing native buffer
 * instead of allocating a tensor per step.
 */
public final class BatchTensors implements AutoCloseable {
  private final int[] imageShape;
  private final Map<Integer, TFloat32> bySize = new HashMap<>();

  /** {@code imageShape} is the shape of one example, e.g. {@code [32, 32, 3]}. */
  public BatchTensors(int... imageShape) {
    this.imageShape = imageShape.clone();
  }

  /** The tensor for {@code batch} examples, holding the first {@code batch} examples of {@code data}. */
  public TFloat32 fill(float[] data, int batch) {
    return fill(data, 0, batch);
  }

  /** The tensor for {@code batch} examples, holding examples {@code first .. first+batch} of {@code data}. */
  public TFloat32 fill(float[] data, int first, int batch) {
    TFloat32 tensor = bySize.computeIfAbsent(batch, this::allocate);
    int size = Math.toIntExact(tensor.size());
    tensor.asRawTensor().data().asFloats().write(data, first * (size / batch), size);
    return tensor;
  }

  private TFloat32 allocate(int batch) {
    return TFloat32.tensorOf(TensorArrays.batchShape(batch, imageShape));
  }

  @Override
  public void close() {
    bySize.values().forEach(TFloat32::close);
    bySize.clear();
  }
}
