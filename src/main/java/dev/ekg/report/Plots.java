package dev.ekg.report;

import dev.ekg.pipeline.RunState;
import dev.ekg.pipeline.SearchLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The PNG plots of a run (XChart, rendered off screen). Every chart goes through this class, whose
 * initialisation switches AWT to headless mode before any chart touches it: the commands run on
 * machines without a display.
 */
public final class Plots {
  public static final String SEARCH_TRAJECTORY = "search_trajectory.png";
  public static final String KEPT_CHANNELS = "kept_channels.png";
  public static final String FINE_TUNING = "fine_tuning.png";
  public static final String TRAINING_CURVES = "training_curves.png";

  static {
    System.setProperty("java.awt.headless", "true");
    ImageIO.setUseCache(false);
  }

  private Plots() {}

  /**
   * Per search step the FLOPs kept, the validation loss and the gate chosen, from the original
   * network (step 0, {@code originalLoss}) to the last step.
   */
  public static void searchTrajectory(
      Path png, double originalLoss, List<SearchLog.Entry> steps, double targetRate, int gates) throws IOException {
    Panels.write(png, true, SearchTrajectoryChart.panels(originalLoss, steps, targetRate, gates));
  }

  /** Per gate, the channels of the original and of the pruned network. */
  public static void keptChannels(Path png, int[] original, int[] pruned) throws IOException {
    Panels.write(png, true, List.of(KeptChannelsChart.chart(original, pruned)));
  }

  /** Accuracy and loss per epoch, train and test, of a training run's history. */
  public static void epochs(Path png, String title, List<RunState.EpochRecord> history) throws IOException {
    Panels.write(png, false, EpochCurvesChart.panels(title, history));
  }
}
