package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunDirectoryTest {
  @TempDir Path tmp;

  private RunDirectory parsed(String... args) {
    RunDirectory run = new RunDirectory(tmp.resolve("default"));
    new CommandLine(run).parseArgs(args);
    return run;
  }

  private Path oldRun() throws IOException {
    Path dir = tmp.resolve("old");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("train_state.json"), "{}");
    return dir;
  }

  @Test
  void createsTheDefaultDirectory() throws IOException {
    Path dir = parsed().prepare(false);
    assertEquals(tmp.resolve("default"), dir);
    assertTrue(Files.isDirectory(dir));
  }

  @Test
  void refusesANonEmptyDirectoryAndLeavesItAlone() throws IOException {
    Path dir = oldRun();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> parsed("--train_path", dir.toString()).prepare(false));
    assertEquals("--train_path " + dir + " is not empty: pass --resume to continue the run there or --overwrite to start over",
        e.getMessage());
    assertTrue(Files.isRegularFile(dir.resolve("train_state.json")));
  }

  @Test
  void keepsOrEmptiesAnOldRunAsAsked() throws IOException {
    Path dir = oldRun();
    parsed("--train_path", dir.toString(), "--resume").prepare(true);
    assertTrue(Files.isRegularFile(dir.resolve("train_state.json")));
    parsed("--train_path", dir.toString(), "--overwrite").prepare(false);
    assertFalse(Files.exists(dir.resolve("train_state.json")));
  }

  @Test
  void resumeAndOverwriteExcludeEachOther() throws IOException {
    Path dir = oldRun();
    RunDirectory run = parsed("--train_path", dir.toString(), "--resume", "--overwrite");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.prepare(true));
    assertEquals("--resume and --overwrite exclude each other", e.getMessage());
    assertTrue(Files.isRegularFile(dir.resolve("train_state.json")));
  }
}
