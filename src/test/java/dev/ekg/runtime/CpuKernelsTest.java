package dev.ekg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuKernelsTest {
  private static final Set<String> AVX2 = Set.of("sse4_1", "avx", "avx2", "fma");
  private static final Set<String> SAPPHIRE_RAPIDS = Set.of("avx2", "avx512f", "avx512_vnni", "amx_tile");

  @ParameterizedTest
  @CsvSource({"0, EIGEN", "false, EIGEN", "FALSE, EIGEN", "1, ONEDNN", "true, ONEDNN", "TRUE, ONEDNN",
      "yes, EIGEN", "' 0 ', EIGEN", "'', EIGEN"})
  void readsTheVariableAsTensorFlowDoesOnAnAvx2Processor(String value, CpuKernels expected) {
    assertEquals(expected, CpuKernels.fromEnvironment(value, AVX2));
  }

  @ParameterizedTest
  @CsvSource({"0, EIGEN", "1, ONEDNN", "yes, ONEDNN", "'', ONEDNN"})
  void readsTheVariableAsTensorFlowDoesOnAProcessorWithVnniOrAmx(String value, CpuKernels expected) {
    assertEquals(expected, CpuKernels.fromEnvironment(value, SAPPHIRE_RAPIDS));
  }

  @Test
  void unsetFollowsTheProcessor() {
    assertEquals(CpuKernels.EIGEN, CpuKernels.fromEnvironment(null, AVX2));
    assertEquals(CpuKernels.ONEDNN, CpuKernels.fromEnvironment(null, SAPPHIRE_RAPIDS));
    assertEquals(CpuKernels.ONEDNN, CpuKernels.fromEnvironment(null, Set.of("avx_vnni")));
    assertEquals("oneDNN", CpuKernels.ONEDNN.toString());
  }
}
