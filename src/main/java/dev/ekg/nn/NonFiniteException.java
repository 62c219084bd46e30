package dev.ekg.nn;

/**
 * A weight, logit, score or loss became NaN or infinite: the computation stops instead of
 * reporting a result built on it. The message names the phase or file and the value.
 */
public class NonFiniteException extends RuntimeException {
  public NonFiniteException(String message) {
    super(message);
  }

  /** The same failure with where it happened in front, e.g. the weight file being evaluated. */
  public NonFiniteException in(String context) {
    return new NonFiniteException(context + ": " + getMessage());
  }

  /** Throws naming {@code what} when {@code values} holds a NaN or an infinity. */
  public static void requireFinite(float[] values, String what) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new NonFiniteException(what + ": " + values[i] + " at flat index " + i + " of " + values.length);
      }
    }
  }

  /** Throws naming {@code what} when {@code value} is NaN or infinite. */
  public static void requireFinite(double value, String what) {
    if (!Double.isFinite(value)) {
      throw new NonFiniteException(what + " is " + value);
    }
  }
}
