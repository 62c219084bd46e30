package dev.ekg.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.pipeline.RunState;
import dev.ekg.pipeline.SearchLog;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each plot of a long run (80 search steps, 100 epochs) and of a one-epoch run, drawn off screen. */
class PlotsTest {
  @TempDir Path dir;

  private static long pixelsOf(BufferedImage image, Color color) {
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        n += image.getRGB(x, y) == color.getRGB() ? 1 : 0;
      }
    }
    return n;
  }

  @Test
  void theSearchTrajectoryOfEightyStepsIsThreeStackedPanels() throws IOException {
    List<SearchLog.Entry> steps = new ArrayList<>();
    for (int s = 1; s <= 80; s++) {
      steps.add(new SearchLog.Entry(s, (s * 7) % 30, 1 - s * 0.55 / 80, 1.5 - s * 0.005, 0.5));
    }
    Path png = dir.resolve(Plots.SEARCH_TRAJECTORY);
    Plots.searchTrajectory(png, 1.5, steps, 0.45, 30);
    BufferedImage image = PngFiles.assertPng(png, 1000, 800);
    for (Color series : List.of(Panels.COLORS[0], Panels.COLORS[2], Panels.COLORS[3])) {
      assertTrue(pixelsOf(image, series) > 500, "FLOPs, loss and gate points are drawn: " + series);
    }
  }

  @Test
  void keptChannelsAreGroupedBarsPerGate() throws IOException {
    Path png = dir.resolve(Plots.KEPT_CHANNELS);
    Plots.keptChannels(png, new int[] {16, 16, 32, 64}, new int[] {10, 4, 31, 13});
    BufferedImage image = PngFiles.assertPng(png, 1000, 600);
    assertTrue(pixelsOf(image, Panels.COLORS[0]) > pixelsOf(image, Panels.COLORS[1]),
        "the original's bars are larger than the pruned ones");
    assertTrue(pixelsOf(image, Panels.COLORS[1]) > 5_000, "the pruned network's bars are drawn");
  }

  @Test
  void epochCurvesAreAccuracyAndLossSideBySide() throws IOException {
    List<RunState.EpochRecord> history = new ArrayList<>();
    for (int e = 1; e <= 100; e++) {
      history.add(new RunState.EpochRecord(e, 2.0 / e, 90 - 50.0 / e, 1.0 / e, 85 - 50.0 / e, 0.01, 1));
    }
    Path png = dir.resolve(Plots.TRAINING_CURVES);
    Plots.epochs(png, "Training", history);
    BufferedImage image = PngFiles.assertPng(png, 1000, 600);
    assertTrue(pixelsOf(image, Panels.COLORS[0]) > 500 && pixelsOf(image, Panels.COLORS[1]) > 500);

    Path one = dir.resolve("one-epoch.png");
    Plots.epochs(one, "Fine-tuning", history.subList(0, 1));
    PngFiles.assertPng(one, 1000, 600);
  }

  @Test
  void theAccuracyAxisStartsBelowTheLowestAccuracyAtAMultipleOfTen() {
    assertEquals(80.0, EpochCurvesChart.accuracyFloor(List.of(86.55, 88.57), List.of(88.32, 89.18)));
    assertEquals(0.0, EpochCurvesChart.accuracyFloor(List.of(9.5), List.of(64.6)));
    assertEquals(90.0, EpochCurvesChart.accuracyFloor(List.of(99.9), List.of(100.0)));
    assertEquals(90.0, EpochCurvesChart.accuracyFloor(List.of(), List.of()));
  }

  @Test
  void aPlotIsWrittenAtomically() throws IOException {
    Path png = dir.resolve(Plots.KEPT_CHANNELS);
    Files.writeString(png, "old");
    Plots.keptChannels(png, new int[] {16}, new int[] {8});
    PngFiles.assertPng(png, 1000, 600);
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.allMatch(png::equals), "no temporary file is left");
    }
  }
}
