package dev.ekg.nn;

import java.util.Locale;

/**
 * Which CPU kernels TensorFlow runs: oneDNN (TensorFlow's default on Linux x86) or its portable
 * Eigen kernels, chosen by the {@code TF_ENABLE_ONEDNN_OPTS} environment variable when the native
 * library loads, so a running JVM cannot switch. Eigen is what the Python oracle runs, so the
 * numerics there match the oracle's to float32 rounding; oneDNN is about twice as fast for a
 * training step and differs from Eigen by up to 1 % on the ill-conditioned EKG importance scores
 * (README, "Numerics").
 */
public enum CpuKernels {
  ONEDNN("oneDNN"),
  EIGEN("Eigen");

  public static final String ENVIRONMENT_VARIABLE = "TF_ENABLE_ONEDNN_OPTS";

  private final String label;

  CpuKernels(String label) {
    this.label = label;
  }

  /** The kernels of this process. */
  public static CpuKernels active() {
    return fromEnvironment(System.getenv(ENVIRONMENT_VARIABLE));
  }

  /**
   * TensorFlow's reading of the variable: "0"/"false" turn oneDNN off, "1"/"true" on (case
   * insensitive, not trimmed); unset or anything else keeps the default, oneDNN.
   */
  static CpuKernels fromEnvironment(String value) {
    if (value == null) {
      return ONEDNN;
    }
    String v = value.toLowerCase(Locale.ROOT);
    return v.equals("0") || v.equals("false") ? EIGEN : ONEDNN;
  }

  @Override
  public String toString() {
    return label;
  }
}
