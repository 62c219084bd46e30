package dev.ekg.runtime;

import java.util.List;
import java.util.Locale;
import org.tensorflow.TensorFlow;

/**
 * What decides the bits of a run besides its inputs and flags (README, "Reproducibility"). Two runs
 * of one command on the same inputs with equal environments write identical files, however loaded
 * the machine; across environments nothing is promised:
 *
 * <ul>
 *   <li>{@code processor} and {@code vectorIsa}: oneDNN generates its kernels for the processor it
 *       finds (instruction set, cache sizes), and a different kernel sums in a different order;
 *   <li>{@code kernels}: oneDNN, Eigen ({@code TF_ENABLE_ONEDNN_OPTS=0}) or GPU;
 *   <li>{@code intraOpThreads}: oneDNN and Eigen split their reductions into one part per thread;
 *   <li>{@code xla} and the {@code tensorflow} runtime version.
 * </ul>
 *
 * The inter-op thread count is not part of it: ops that run concurrently never share an output, so
 * their schedule does not change any value (measured: 1 and 2 inter-op threads give identical bits).
 */
public record NumericsEnvironment(
    String processor, String vectorIsa, String kernels, int intraOpThreads, boolean xla, String tensorflow) {
  /** oneDNN's cap on the instruction set it dispatches to, read when the native library loads. */
  public static final String MAX_ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA";

  /** The widest vector extensions oneDNN dispatches on, widest first, with their cpuinfo flag. */
  private static final List<String[]> ISA_FLAGS = List.of(
      new String[] {"amx_tile", "AMX"}, new String[] {"avx512f", "AVX-512"}, new String[] {"avx2", "AVX2"},
      new String[] {"avx", "AVX"}, new String[] {"sse4_1", "SSE4.1"});

  /** The environment of sessions opened with {@code options} in this process. */
  public static NumericsEnvironment current(SessionOptions options) {
    String kernels = Accelerators.gpuAvailable() ? "GPU" : CpuKernels.active() + " kernels";
    return of(CpuInfo.current(), System.getenv(MAX_ISA_VARIABLE), kernels, options.intraOpThreads(), options.xla(),
        TensorFlow.version());
  }

  /**
   * From the text of {@code /proc/cpuinfo} (empty where there is none: the processor is then named
   * by {@code os.arch}) and the value of {@value #MAX_ISA_VARIABLE} (null when unset).
   */
  static NumericsEnvironment fromCpuinfo(
      String cpuinfo, String maxIsa, String kernels, int intraOpThreads, boolean xla, String tensorflow) {
    return of(CpuInfo.parse(cpuinfo), maxIsa, kernels, intraOpThreads, xla, tensorflow);
  }

  private static NumericsEnvironment of(
      CpuInfo cpu, String maxIsa, String kernels, int intraOpThreads, boolean xla, String tensorflow) {
    String processor = cpu.modelName() != null ? cpu.modelName() : System.getProperty("os.arch");
    String isa = cpu.flags().isEmpty()
        ? "unknown"
        : ISA_FLAGS.stream().filter(f -> cpu.flags().contains(f[0])).map(f -> f[1]).findFirst().orElse("none");
    if (maxIsa != null && !maxIsa.isBlank()) {
      isa += " (" + MAX_ISA_VARIABLE + "=" + maxIsa + ")";
    }
    return new NumericsEnvironment(processor, isa, kernels, intraOpThreads, xla, tensorflow);
  }

  /** One line, e.g. {@code AMD EPYC (AVX2), oneDNN kernels, 2 intra-op threads, TensorFlow 2.18.0}. */
  public String describe() {
    return String.format(Locale.ROOT, "%s (%s), %s%s, %d intra-op thread%s, TensorFlow %s", processor, vectorIsa,
        kernels, xla ? " + XLA" : "", intraOpThreads, intraOpThreads == 1 ? "" : "s", tensorflow);
  }
}
