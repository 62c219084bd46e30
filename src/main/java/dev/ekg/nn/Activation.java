package dev.ekg.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The element-wise non-linearity after a batch norm or an add. */
public enum Activation {
  LINEAR,
  RELU,
  /** min(max(x, 0), 6), MobileNetV2's activation. */
  RELU6;

  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    return switch (this) {
      case LINEAR -> x;
      case RELU -> tf.nn.relu(x);
      case RELU6 -> tf.nn.relu6(x);
    };
  }
}
