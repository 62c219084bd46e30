package dev.ekg.report;

import dev.ekg.io.AtomicFile;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The look every chart shares, and the PNG of one or more charts (panels) side by side or stacked. */
final class Panels {
  /** Colour-blind-safe series colours (Okabe–Ito: blue, vermilion, bluish green, orange). */
  static final Color[] COLORS = {
      new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115), new Color(230, 159, 0)};
  /**
   * Left axis width of every panel (its title and labels of up to 6 characters, such as 1.2155), so
   * that stacked panels share their x positions.
   */
  private static final int LEFT_AXIS = 90;

  private Panels() {}

  static <S extends AxesChartStyler> S style(S styler) {
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setPlotBorderColor(Color.GRAY);
    styler.setPlotGridLinesColor(new Color(222, 222, 222));
    styler.setChartTitleBoxVisible(false);
    styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    styler.setLegendBorderColor(Color.LIGHT_GRAY);
    styler.setLegendPosition(Styler.LegendPosition.InsideNE);
    styler.setSeriesColors(COLORS);
    styler.setMarkerSize(6);
    styler.setYAxisLeftWidthHint(LEFT_AXIS);
    return styler;
  }

  /**
   * Makes XChart choose round tick steps (5, 10, 20, …) on an x axis of whole numbers from 0 to
   * {@code last} (steps, epochs): when every x value lies on one even spacing it puts the ticks on
   * that spacing instead, every 2nd or 6th value. One invisible point off the spacing, at x = 0.5 and
   * {@code y} inside the plotted range, turns that off. Short axes keep a tick per value.
   */
  static void roundXTicks(XYChart chart, double last, double y) {
    if (last < 10) {
      return;
    }
    XYSeries offGrid = chart.addSeries(" ", List.of(0.5), List.of(y));
    offGrid.setMarker(SeriesMarkers.NONE);
    offGrid.setLineStyle(SeriesLines.NONE);
    offGrid.setShowInLegend(false);
  }

  /** Writes the charts into one PNG, one below the other ({@code stacked}) or side by side, atomically. */
  static void write(Path png, boolean stacked, List<? extends Chart<?, ?>> charts) throws IOException {
    int width = 0;
    int height = 0;
    for (Chart<?, ?> c : charts) {
      width = stacked ? Math.max(width, c.getWidth()) : width + c.getWidth();
      height = stacked ? height + c.getHeight() : Math.max(height, c.getHeight());
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    int at = 0;
    for (Chart<?, ?> c : charts) {
      Graphics2D panel = (Graphics2D) g.create(stacked ? 0 : at, stacked ? at : 0, c.getWidth(), c.getHeight());
      c.paint(panel, c.getWidth(), c.getHeight());
      panel.dispose();
      at += stacked ? c.getHeight() : c.getWidth();
    }
    g.dispose();
    AtomicFile.write(png, out -> {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException(png + ": this Java runtime has no PNG writer");
      }
    });
  }
}
