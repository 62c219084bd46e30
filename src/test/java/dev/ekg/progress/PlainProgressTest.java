package dev.ekg.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plain lines' content and pace, on a clock the test moves (no real time is involved). */
class PlainProgressTest {
  private final StringWriter text = new StringWriter();
  private long now = 1_000_000_000L;

  private ProgressReporter reporter(PlainPolicy policy) {
    return ProgressReporter.plain(new PrintWriter(text), policy, () -> now);
  }

  private List<String> lines() {
    return text.toString().lines().toList();
  }

  private void pass(double seconds) {
    now += (long) (seconds * 1e9);
  }

  @Test
  void percentOnlyPrintsEveryTenPercentAndTheEnd() {
    try (Progress p = reporter(PlainPolicy.percentOnly(10)).start("memory bank teacher 2/5", 95, ProgressUnit.IMAGES)) {
      for (int done = 0; done < 95; done += 10) {
        pass(1);
        p.advance(Math.min(10, 95 - done));
      }
    }
    List<String> lines = lines();
    assertEquals(10, lines.size(), text.toString());
    assertEquals("memory bank teacher 2/5: 10/95 images, 10.0 img/s, ETA 0:09", lines.get(0));
    assertEquals("memory bank teacher 2/5: 50/95 images, 10.0 img/s, ETA 0:05", lines.get(4));
    assertEquals("memory bank teacher 2/5: 95/95 images, 9.50 img/s, done in 0:10", lines.get(9));
  }

  @Test
  void updatesSmallerThanAStepPrintOnlyWhenAStepIsCrossed() {
    try (Progress p = reporter(PlainPolicy.percentOnly(10)).start("epoch 1/3", 1000, ProgressUnit.STEPS)) {
      for (int i = 0; i < 1000; i++) {
        pass(0.5);
        p.extra("train_loss " + (i + 1));
        p.advance(1);
      }
    }
    List<String> lines = lines();
    assertEquals(10, lines.size(), text.toString());
    assertEquals("epoch 1/3: 100/1000 steps, 2.00 steps/s, ETA 7:30, train_loss 100", lines.get(0));
    assertEquals("epoch 1/3: 1000/1000 steps, 2.00 steps/s, done in 8:20, train_loss 1000", lines.get(9));
  }

  @Test
  void theDefaultPolicyKeepsShortTasksToTheEndLine() {
    try (Progress p = reporter(PlainPolicy.DEFAULT).start("test", 10_000, ProgressUnit.IMAGES)) {
      for (int i = 0; i < 40; i++) {
        pass(0.1);
        p.advance(250);
      }
    }
    assertEquals(List.of("test: 10000/10000 images, 2500 img/s, done in 0:04"), lines());
  }

  @Test
  void theDefaultPolicySpacesPercentLinesAndSpeaksEveryThirtySecondsOnSlowTasks() {
    try (Progress p = reporter(PlainPolicy.DEFAULT).start("warm-up", 40, ProgressUnit.STEPS)) {
      for (int i = 0; i < 10; i++) { // 10 % every 4 s: a line at most every 5 s
        pass(1);
        p.advance(1);
      }
      assertEquals(List.of("warm-up: 5/40 steps, 1.00 steps/s, ETA 0:35", "warm-up: 10/40 steps, 1.00 steps/s, ETA 0:30"),
          lines());
      pass(31); // less than 10 % in 30 s: a line anyway
      p.advance(1);
      assertEquals("warm-up: 11/40 steps, 0.268 steps/s, ETA 1:48", lines().get(2));
    }
  }

  @Test
  void aResumedTaskCountsItsRateFromWhereItStarted() {
    try (Progress p = reporter(PlainPolicy.percentOnly(10)).start("search", 1000, new ProgressUnit("% of the gap", "%/s", 10), 400)) {
      pass(10);
      p.extra("step 12");
      p.advanceTo(500);
    }
    assertEquals(List.of("search: 50.0/100.0 % of the gap, 1.00 %/s, ETA 0:50, step 12"), lines());
  }

  @Test
  void bytesShowInMebibytes() {
    try (Progress p = reporter(PlainPolicy.percentOnly(25)).start("download", 8L << 20, ProgressUnit.BYTES)) {
      pass(2);
      p.advanceTo(3L << 20);
      pass(2);
      p.advanceTo(8L << 20);
    }
    assertEquals(List.of("download: 3.0/8.0 MiB, 1.50 MiB/s, ETA 0:03", "download: 8.0/8.0 MiB, 2.00 MiB/s, done in 0:04"),
        lines());
  }

  @Test
  void theEndLineComesOnceEvenWhenUpdatesOvershoot() {
    try (Progress p = reporter(PlainPolicy.percentOnly(50)).start("test", 10, ProgressUnit.IMAGES)) {
      pass(1);
      p.advance(12);
      p.advanceTo(10);
      p.advance(1);
    }
    assertEquals(List.of("test: 10/10 images, 10.0 img/s, done in 0:01"), lines());
  }

  @Test
  void aTaskStoppedHalfWayPrintsNothingOnClosing() {
    try (Progress p = reporter(PlainPolicy.percentOnly(10)).start("epoch 1/1", 100, ProgressUnit.STEPS)) {
      pass(1);
      p.advance(5);
    }
    assertEquals("", text.toString());
  }

  @Test
  void longTimesShowHours() {
    assertEquals("1:02:05", PlainProgress.clockTime(3725));
    assertEquals("0:59", PlainProgress.clockTime(59.4));
    assertEquals("0.013", PlainProgress.rate(0.0128));
  }

  @Test
  void barsOnlyOnATerminalThatCanRedrawUnlessTheEnvironmentSaysOtherwise() {
    assertTrue(ProgressReporter.usesBars(Map.of("TERM", "xterm"), true));
    assertFalse(ProgressReporter.usesBars(Map.of("TERM", "xterm"), false), "no console: a log file or a pipe");
    assertFalse(ProgressReporter.usesBars(Map.of("TERM", "dumb"), true));
    assertFalse(ProgressReporter.usesBars(Map.of("EKG_PROGRESS", "plain", "TERM", "xterm"), true));
    assertTrue(ProgressReporter.usesBars(Map.of("EKG_PROGRESS", "BAR"), false));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProgressReporter.usesBars(Map.of("EKG_PROGRESS", "quiet"), true));
    assertEquals("EKG_PROGRESS in the environment must be 'plain' or 'bar', got 'quiet'", e.getMessage());
  }

  @Test
  void aLineOfTextClearsTheBarAndTheBarComesBackUnderIt() {
    BarLine bar = new BarLine(new PrintWriter(text), 30);
    bar.accept("epoch 1/1  40% [==  ]");
    bar.above(() -> text.write("step 200/390\n"));
    bar.close();
    bar.above(() -> text.write("Epoch: 1\n"));
    assertEquals("\repoch 1/1  40% [==  ]\r" + " ".repeat(21) + "\rstep 200/390\nepoch 1/1  40% [==  ]" + "\n"
        + "Epoch: 1\n", text.toString().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void percentStepsOutsideOneToAHundredAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new PlainPolicy(0, Duration.ZERO, null));
  }
}
