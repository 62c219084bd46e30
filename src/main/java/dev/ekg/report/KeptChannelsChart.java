package dev.ekg.report;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

/** Grouped bars per gate: the original network's channels and the pruned network's. */
final class KeptChannelsChart {
  private KeptChannelsChart() {}

  static CategoryChart chart(int[] original, int[] pruned) {
    if (original.length != pruned.length) {
      throw new IllegalArgumentException(original.length + " original gates but " + pruned.length + " pruned ones");
    }
    long before = 0;
    long after = 0;
    List<Integer> gates = new ArrayList<>();
    List<Integer> originalCounts = new ArrayList<>();
    List<Integer> prunedCounts = new ArrayList<>();
    for (int g = 0; g < original.length; g++) {
      gates.add(g);
      originalCounts.add(original[g]);
      prunedCounts.add(pruned[g]);
      before += original[g];
      after += pruned[g];
    }
    CategoryChart chart = new CategoryChartBuilder().width(1000).height(600)
        .title("Channels per gate: " + after + " of " + before + " kept (" + Format.compact(100.0 * after / before)
            + " %)")
        .xAxisTitle("gate (index as in kept_channels.json; 0 = stem)").yAxisTitle("output channels").build();
    CategoryStyler styler = Panels.style(chart.getStyler());
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setLegendLayout(Styler.LegendLayout.Horizontal);
    styler.setAvailableSpaceFill(0.8);
    styler.setYAxisMin(0.0);
    styler.setYAxisDecimalPattern("0");
    chart.addSeries("original", gates, originalCounts);
    chart.addSeries("pruned (kept)", gates, prunedCounts);
    return chart;
  }
}
