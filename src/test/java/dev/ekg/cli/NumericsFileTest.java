package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.runtime.NumericsEnvironment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NumericsFileTest {
  private static final NumericsEnvironment TWO =
      new NumericsEnvironment("AMD EPYC", "AVX2", "oneDNN kernels", 2, false, "2.18.0");
  private static final NumericsEnvironment ONE =
      new NumericsEnvironment("AMD EPYC", "AVX2", "oneDNN kernels", 1, false, "2.18.0");

  @TempDir Path dir;

  private String record(NumericsEnvironment now, boolean resume) throws IOException {
    StringWriter err = new StringWriter();
    NumericsFile.record(now, dir, resume, new PrintWriter(err));
    return err.toString();
  }

  @Test
  void aNewRunPrintsAndRecordsItsEnvironment() throws IOException {
    String err = record(TWO, false);
    assertEquals("numerics: " + TWO.describe() + System.lineSeparator(), err);
    assertTrue(Files.readString(dir.resolve(NumericsFile.FILE)).contains("\"intraOpThreads\" : 2"));
  }

  @Test
  void resumingInTheSameEnvironmentSaysNothingMore() throws IOException {
    record(TWO, false);
    assertFalse(record(TWO, true).contains("warning"));
  }

  @Test
  void resumingInAnotherEnvironmentWarnsAndKeepsTheFirstRecord() throws IOException {
    record(TWO, false);
    byte[] started = Files.readAllBytes(dir.resolve(NumericsFile.FILE));
    String err = record(ONE, true);
    assertTrue(err.contains("warning: --resume: the run started on " + TWO.describe()), err);
    assertTrue(err.contains("not be bit-identical"), err);
    assertArrayEquals(started, Files.readAllBytes(dir.resolve(NumericsFile.FILE)));
  }
}
