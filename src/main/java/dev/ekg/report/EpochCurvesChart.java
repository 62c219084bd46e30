package dev.ekg.report;

import dev.ekg.pipeline.RunState;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Two panels side by side over the epochs: train and test accuracy (%), train and test loss. */
final class EpochCurvesChart {
  private EpochCurvesChart() {}

  static List<XYChart> panels(String title, List<RunState.EpochRecord> history) {
    List<Integer> epochs = new ArrayList<>();
    List<Double> trainAcc = new ArrayList<>();
    List<Double> testAcc = new ArrayList<>();
    List<Double> trainLoss = new ArrayList<>();
    List<Double> testLoss = new ArrayList<>();
    for (RunState.EpochRecord e : history) {
      epochs.add(e.epoch());
      trainAcc.add(e.trainAccuracy());
      testAcc.add(e.testAccuracy());
      trainLoss.add(e.trainLoss());
      testLoss.add(e.testLoss());
    }
    double last = Math.max(1, epochs.isEmpty() ? 1 : epochs.get(epochs.size() - 1));

    XYChart accuracy = panel(title + ": accuracy", "top-1 accuracy (%)", last);
    double floor = accuracyFloor(trainAcc, testAcc);
    accuracy.getStyler().setYAxisMin(floor);
    accuracy.getStyler().setYAxisMax(100.0);
    accuracy.getStyler().setYAxisDecimalPattern("0");
    add(accuracy, "train (augmented)", epochs, trainAcc);
    add(accuracy, "test", epochs, testAcc);
    Panels.roundXTicks(accuracy, last, (floor + 100) / 2);

    XYChart loss = panel(title + ": loss", "loss", last);
    loss.getStyler().setYAxisMin(0.0);
    loss.getStyler().setYAxisDecimalPattern("0.0##");
    add(loss, "train (training objective)", epochs, trainLoss);
    add(loss, "test (cross-entropy)", epochs, testLoss);
    Panels.roundXTicks(loss, last, 0);
    return List.of(accuracy, loss);
  }

  /**
   * The accuracy axis starts at the lowest accuracy rounded down to a multiple of 10 (at most 90), so
   * that the last points of a run that starts high are not squeezed into the top of a 0–100 axis.
   */
  static double accuracyFloor(List<Double> train, List<Double> test) {
    double lowest = 100;
    for (List<Double> values : List.of(train, test)) {
      for (double v : values) {
        lowest = Math.min(lowest, v);
      }
    }
    return Math.min(90, Math.floor(Math.max(0, lowest) / 10) * 10);
  }

  private static XYChart panel(String title, String yTitle, double lastEpoch) {
    XYChart chart = new XYChartBuilder().width(500).height(600).title(title).xAxisTitle("epoch").yAxisTitle(yTitle)
        .build();
    XYStyler styler = Panels.style(chart.getStyler());
    styler.setXAxisMin(0.0);
    styler.setXAxisMax(lastEpoch);
    styler.setXAxisDecimalPattern("0");
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setLegendLayout(Styler.LegendLayout.Horizontal);
    return chart;
  }

  private static void add(XYChart chart, String name, List<Integer> epochs, List<Double> values) {
    if (!epochs.isEmpty()) {
      XYSeries series = chart.addSeries(name, epochs, values);
      series.setMarker(SeriesMarkers.CIRCLE);
    }
  }
}
