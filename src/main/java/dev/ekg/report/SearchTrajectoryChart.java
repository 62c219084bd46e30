package dev.ekg.report;

import dev.ekg.pipeline.SearchLog;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Three stacked panels over the search steps: FLOPs kept (% of the original) with the target, the
 * validation cross-entropy, and the gate each step pruned (one point per step: 80 steps stay
 * legible where labels on the curve would overlap).
 */
final class SearchTrajectoryChart {
  private static final int WIDTH = 1000;

  private SearchTrajectoryChart() {}

  static List<XYChart> panels(double originalLoss, List<SearchLog.Entry> steps, double targetRate, int gates) {
    List<Integer> x = new ArrayList<>(List.of(0));
    List<Double> flops = new ArrayList<>(List.of(100.0));
    List<Double> loss = new ArrayList<>(List.of(originalLoss));
    List<Integer> gate = new ArrayList<>();
    for (SearchLog.Entry s : steps) {
      x.add(s.step());
      flops.add(100 * s.flopsRate());
      loss.add(s.valLoss());
      gate.add(s.gate());
    }
    double last = Math.max(1, x.get(x.size() - 1));
    String target = Format.compact(100 * targetRate) + " %";

    XYChart rate = panel(300, "FLOPs kept (% of original)", last);
    rate.setTitle("EKG search: " + steps.size() + " steps to " + target + " of the original FLOPs");
    rate.getStyler().setChartTitleVisible(true);
    rate.getStyler().setYAxisMin(0.0);
    rate.getStyler().setYAxisMax(100.0);
    rate.addSeries("FLOPs kept", x, flops).setMarker(SeriesMarkers.CIRCLE);
    XYSeries goal = rate.addSeries("target (" + target + ")", List.of(0.0, last),
        List.of(100 * targetRate, 100 * targetRate));
    goal.setMarker(SeriesMarkers.NONE);
    goal.setLineStyle(SeriesLines.DASH_DASH);
    Panels.roundXTicks(rate, last, 100);

    XYChart val = panel(240, "validation cross-entropy", last);
    val.getStyler().setLegendVisible(false);
    val.getStyler().setYAxisDecimalPattern("0.0###");
    XYSeries valLoss = val.addSeries("validation cross-entropy", x, loss);
    valLoss.setMarker(SeriesMarkers.CIRCLE);
    valLoss.setLineColor(Panels.COLORS[2]);
    valLoss.setMarkerColor(Panels.COLORS[2]);
    Panels.roundXTicks(val, last, originalLoss);

    XYChart chosen = panel(260, "gate pruned (0–" + (gates - 1) + ")", last);
    chosen.setXAxisTitle("search step");
    XYStyler styler = chosen.getStyler();
    styler.setXAxisTitleVisible(true);
    styler.setLegendVisible(false);
    styler.setYAxisMin(-0.5);
    styler.setYAxisMax(gates - 0.5);
    styler.setYAxisDecimalPattern("0");
    if (!gate.isEmpty()) {
      XYSeries points = chosen.addSeries("gate pruned", x.subList(1, x.size()), gate);
      points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      points.setMarker(SeriesMarkers.DIAMOND);
      points.setMarkerColor(Panels.COLORS[3]);
    }
    Panels.roundXTicks(chosen, last, 0);
    return List.of(rate, val, chosen);
  }

  private static XYChart panel(int height, String yTitle, double lastStep) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(height).yAxisTitle(yTitle).build();
    XYStyler styler = Panels.style(chart.getStyler());
    styler.setChartTitleVisible(false);
    styler.setXAxisTitleVisible(false);
    styler.setXAxisMin(0.0);
    styler.setXAxisMax(lastStep);
    styler.setXAxisDecimalPattern("0");
    return chart;
  }
}
