package dev.ekg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumericsEnvironmentTest {
  private static String cpuinfo(String model, String flags) {
    String core = "processor\t: %d\nvendor_id\t: X\nmodel name\t: " + model + "\nflags\t\t: " + flags + "\n\n";
    return String.format(core, 0) + String.format(core, 1);
  }

  @ParameterizedTest
  @CsvSource({
      "'fpu sse4_1 avx avx2 fma', AVX2",
      "'fpu sse4_1 avx avx2 avx512f avx512bw', AVX-512",
      "'avx2 avx512f amx_bf16 amx_tile amx_int8', AMX",
      "'sse4_1 avx', AVX",
      "'fpu sse2', none"})
  void namesTheWidestVectorUnitOneDnnUses(String flags, String isa) {
    NumericsEnvironment e = NumericsEnvironment.fromCpuinfo(cpuinfo("AMD EPYC", flags), null, "oneDNN kernels", 2,
        false, "2.18.0");
    assertEquals("AMD EPYC", e.processor());
    assertEquals(isa, e.vectorIsa());
  }

  @Test
  void describesEverythingTheBitsDependOn() {
    NumericsEnvironment e = NumericsEnvironment.fromCpuinfo(cpuinfo("AMD EPYC", "avx avx2"), null, "oneDNN kernels",
        2, false, "2.18.0");
    assertEquals("AMD EPYC (AVX2), oneDNN kernels, 2 intra-op threads, TensorFlow 2.18.0", e.describe());
    NumericsEnvironment one = NumericsEnvironment.fromCpuinfo(cpuinfo("AMD EPYC", "avx avx2"), null, "Eigen kernels",
        1, true, "2.18.0");
    assertEquals("AMD EPYC (AVX2), Eigen kernels + XLA, 1 intra-op thread, TensorFlow 2.18.0", one.describe());
  }

  @Test
  void aCapOnOneDnnsInstructionSetIsPartOfTheEnvironment() {
    String info = cpuinfo("Intel Xeon", "avx2 avx512f");
    NumericsEnvironment capped = NumericsEnvironment.fromCpuinfo(info, "AVX2", "oneDNN kernels", 2, false, "2.18.0");
    assertEquals("AVX-512 (ONEDNN_MAX_CPU_ISA=AVX2)", capped.vectorIsa());
    assertNotEquals(NumericsEnvironment.fromCpuinfo(info, null, "oneDNN kernels", 2, false, "2.18.0"), capped);
  }

  @Test
  void withoutCpuinfoTheProcessorIsTheArchitecture() {
    NumericsEnvironment e = NumericsEnvironment.fromCpuinfo("", null, "oneDNN kernels", 4, false, "2.18.0");
    assertEquals(System.getProperty("os.arch"), e.processor());
    assertEquals("unknown", e.vectorIsa());
  }
}
