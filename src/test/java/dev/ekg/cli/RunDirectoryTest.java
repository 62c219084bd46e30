package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunDirectoryTest {
  @TempDir Path tmp;
  private final StringWriter notes = new StringWriter();

  private RunDirectory parsed(String... args) {
    RunDirectory run = new RunDirectory(tmp.resolve("default"));
    new CommandLine(run).parseArgs(args);
    return run;
  }

  private RunLock open(RunDirectory run, boolean keep, Map<String, Path> reads) throws IOException {
    return run.open(reads, keep, new PrintWriter(notes, true));
  }

  private RunLock open(RunDirectory run, boolean keep) throws IOException {
    return open(run, keep, Map.of());
  }

  private Path oldRun() throws IOException {
    Path dir = tmp.resolve("old");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("train_state.json"), "{}");
    return dir;
  }

  @Test
  void createsTheDefaultDirectory() throws IOException {
    try (RunLock lock = open(parsed(), false)) {
      assertTrue(Files.isDirectory(tmp.resolve("default")));
    }
  }

  @Test
  void refusesANonEmptyDirectoryAndLeavesItAlone() throws IOException {
    Path dir = oldRun();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> open(parsed("--train_path", dir.toString()), false));
    assertEquals("--train_path " + dir + " is not empty: pass --resume to continue the run there or --overwrite to start over",
        e.getMessage());
    assertTrue(Files.isRegularFile(dir.resolve("train_state.json")));
  }

  @Test
  void keepsOrEmptiesAnOldRunAsAsked() throws IOException {
    Path dir = oldRun();
    try (RunLock lock = open(parsed("--train_path", dir.toString(), "--resume"), true)) {
      assertTrue(Files.isRegularFile(dir.resolve("train_state.json")));
    }
    try (RunLock lock = open(parsed("--train_path", dir.toString(), "--overwrite"), false)) {
      assertFalse(Files.exists(dir.resolve("train_state.json")));
    }
  }

  @Test
  void resumeAndOverwriteExcludeEachOther() throws IOException {
    Path dir = oldRun();
    RunDirectory run = parsed("--train_path", dir.toString(), "--resume", "--overwrite");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(run, true));
    assertEquals("--resume and --overwrite exclude each other", e.getMessage());
    assertTrue(Files.isRegularFile(dir.resolve("train_state.json")));
  }

  @Test
  void overwriteNeverDeletesAnInputOrAFolderThatHoldsOne() throws IOException {
    Path dir = oldRun();
    Path weights = dir.resolve("trained_params.pkl");
    Files.writeString(weights, "weights");
    Map<String, Path> reads = new LinkedHashMap<>();
    reads.put("--data_path", tmp.resolve("data"));
    reads.put("--trained_param", tmp.resolve("old/./sub/../trained_params.pkl"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> open(parsed("--train_path", dir.toString(), "--overwrite"), false, reads));
    assertEquals("--overwrite would delete --trained_param " + reads.get("--trained_param") + ", which this run reads: "
        + "it is inside --train_path " + dir + "; choose another --train_path", e.getMessage());
    assertTrue(Files.isRegularFile(weights));

    Map<String, Path> dataIsTheRun = Map.of("--data_path", dir);
    e = assertThrows(IllegalArgumentException.class,
        () -> open(parsed("--train_path", dir.toString(), "--overwrite"), false, dataIsTheRun));
    assertTrue(e.getMessage().startsWith("--overwrite would delete --data_path " + dir), e.getMessage());
    assertTrue(Files.isRegularFile(dir.resolve("train_state.json")));
  }

  @Test
  void aFileIsNotARunDirectory() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> open(parsed("--train_path", file.toString()), false));
    assertEquals("--train_path " + file + " is a file, expected a directory", e.getMessage());
  }

  @Test
  void aStartThatCommittedNothingIsClearedForThePlainRerun() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("killed"));
    Files.writeString(dir.resolve(ArgumentsFile.FILE), "{}");
    Files.writeString(dir.resolve(NumericsFile.FILE), "{}");
    Files.writeString(dir.resolve("events.out.tfevents.0000000001.host.1.v2"), "");
    Files.createDirectories(dir.resolve("checkpoints"));
    try (RunLock lock = open(parsed("--train_path", dir.toString()), false)) {
      try (var entries = Files.list(dir)) {
        assertEquals(java.util.List.of(dir.resolve(RunLock.FILE)), entries.toList());
      }
    }
    assertTrue(notes.toString().contains("holds only the start of a run that committed nothing "
        + "(arguments.json, checkpoints, events.out.tfevents.0000000001.host.1.v2, numerics.json): starting over"),
        notes.toString());
  }

  @Test
  void foreignFilesWithoutArgumentsAreNotALeftover() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("logs"));
    Files.writeString(dir.resolve("events.out.tfevents.0000000001.host.1.v2"), "");
    assertThrows(IllegalArgumentException.class, () -> open(parsed("--train_path", dir.toString()), false));
    assertTrue(Files.exists(dir.resolve("events.out.tfevents.0000000001.host.1.v2")));
  }

  @Test
  void oneRunPerDirectoryAndTheLockIsFreeAfterwards() throws IOException {
    Path dir = tmp.resolve("busy");
    try (RunLock first = open(parsed("--train_path", dir.toString()), false)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> open(parsed("--train_path", dir.toString(), "--resume"), true));
      assertEquals("--train_path " + dir + " is in use by process " + ProcessHandle.current().pid() + " ("
          + dir.resolve(RunLock.FILE) + "): wait for that run to end or stop it", e.getMessage());
    }
    try (RunLock again = open(parsed("--train_path", dir.toString(), "--resume"), true)) {
      assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(dir.resolve(RunLock.FILE)));
    }
  }
}
