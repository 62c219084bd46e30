package dev.ekg.runtime;

import java.util.Locale;
import java.util.Set;

/**
 * Which CPU kernels TensorFlow runs: oneDNN or its portable Eigen kernels, chosen once, when the
 * native library loads, so a running JVM cannot switch. {@code TF_ENABLE_ONEDNN_OPTS} decides;
 * unset, TensorFlow on Linux turns oneDNN on only for processors with neural-network instructions
 * (AVX512-VNNI, AVX512-BF16, AVX-VNNI, AMX): an AVX2-only processor runs Eigen. Eigen is what the Python oracle runs, so the
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

  /** The processor features for which TensorFlow turns oneDNN on by default, as cpuinfo flags. */
  static final Set<String> ONEDNN_BY_DEFAULT =
      Set.of("avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_int8", "amx_bf16");

  /** The kernels of this process. */
  public static CpuKernels active() {
    return fromEnvironment(System.getenv(ENVIRONMENT_VARIABLE), CpuInfo.current().flags());
  }

  /**
   * TensorFlow's reading of the variable: "0"/"false" turn oneDNN off, "1"/"true" on (case
   * insensitive, not trimmed); unset or anything else keeps the default for the processor.
   */
  static CpuKernels fromEnvironment(String value, Set<String> cpuFlags) {
    String v = value == null ? "" : value.toLowerCase(Locale.ROOT);
    if (v.equals("0") || v.equals("false")) {
      return EIGEN;
    }
    if (v.equals("1") || v.equals("true")) {
      return ONEDNN;
    }
    return cpuFlags.stream().anyMatch(ONEDNN_BY_DEFAULT::contains) ? ONEDNN : EIGEN;
  }

  @Override
  public String toString() {
    return label;
  }
}
