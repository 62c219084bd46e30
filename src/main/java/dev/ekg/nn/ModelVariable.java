package dev.ekg.nn;

import java.util.Arrays;
import org.tensorflow.Operand;
import org.tensorflow.op.core.AssignVariableOp;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * A float32 resource variable with its checkpoint key (the reference's variable name without the
 * {@code :0} suffix, e.g. {@code BasicBlock0.0/conv1/kernel}), its initial assignment, its current
 * value and a fed assignment used to load host arrays into it.
 */
public record ModelVariable(
    String key,
    int[] shape,
    VariableKind kind,
    Operand<? extends TType> handle,
    AssignVariableOp initializer,
    Operand<TFloat32> value,
    Placeholder<TFloat32> feed,
    AssignVariableOp assignFromFeed) {

  /** The key as the reference's {@code .pkl} files spell it (reference §7.1). */
  public String pickleKey() {
    return key + ":0";
  }

  @Override
  public String toString() {
    return key + Arrays.toString(shape) + " " + kind;
  }
}
