package dev.ekg.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuKernelsTest {
  @ParameterizedTest
  @CsvSource({"0, EIGEN", "false, EIGEN", "FALSE, EIGEN", "1, ONEDNN", "true, ONEDNN",
      "yes, ONEDNN", "' 0 ', ONEDNN", "'', ONEDNN"})
  void readsTheVariableAsTensorFlowDoes(String value, CpuKernels expected) {
    assertEquals(expected, CpuKernels.fromEnvironment(value));
  }

  @org.junit.jupiter.api.Test
  void unsetMeansOneDnn() {
    assertEquals(CpuKernels.ONEDNN, CpuKernels.fromEnvironment(null));
    assertEquals("oneDNN", CpuKernels.ONEDNN.toString());
  }
}
