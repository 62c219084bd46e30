package dev.ekg.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ekg.io.AtomicFile;
import dev.ekg.model.GatePlan;
import dev.ekg.model.Architecture;
import dev.ekg.model.NetworkSpec;
import dev.ekg.pipeline.KeptChannelsFile;
import dev.ekg.pipeline.RunState;
import dev.ekg.pipeline.SearchHistoryFile;
import dev.ekg.pipeline.SearchLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code train_cifar} writes about a run besides its results: the plots whose inputs the run
 * directory holds ({@link #plots}) and, at the end of the fine-tuning phase, {@code report.md} and
 * {@code report.json} ({@link #write}): configuration, {@link ResultTable} and links to the plots.
 */
public final class TrainCifarReport {
  public static final String MARKDOWN = "report.md";
  public static final String JSON = "report.json";
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper ONE_LINE = new ObjectMapper();

  private TrainCifarReport() {}

  /**
   * Draws {@link Plots#SEARCH_TRAJECTORY} once the search has finished, {@link Plots#KEPT_CHANNELS}
   * once the network was pruned and {@link Plots#FINE_TUNING} once an epoch was fine-tuned.
   *
   * @return the file names drawn, in that order
   */
  public static List<String> plots(Path runDir, NetworkSpec spec, double targetRate) throws IOException {
    List<String> drawn = new ArrayList<>();
    if (Files.isRegularFile(runDir.resolve(SearchHistoryFile.FILE)) && Files.isRegularFile(runDir.resolve(SearchLog.FILE))) {
      SearchHistoryFile.Content history = SearchHistoryFile.read(runDir);
      Plots.searchTrajectory(runDir.resolve(Plots.SEARCH_TRAJECTORY), history.originalLoss(), SearchLog.read(runDir),
          targetRate, history.history().get(0).widths().length);
      drawn.add(Plots.SEARCH_TRAJECTORY);
    }
    if (Files.isRegularFile(runDir.resolve(KeptChannelsFile.FILE))) {
      int[] original = GatePlan.of(spec.unpruned()).gates().stream()
          .mapToInt(GatePlan.GateSpec::channels).toArray();
      int[] kept = Arrays.stream(KeptChannelsFile.read(runDir)).mapToInt(k -> k.length).toArray();
      Plots.keptChannels(runDir.resolve(Plots.KEPT_CHANNELS), original, kept);
      drawn.add(Plots.KEPT_CHANNELS);
    }
    List<RunState.EpochRecord> epochs =
        Files.isRegularFile(runDir.resolve(RunState.FILE)) ? RunState.read(runDir).history() : List.of();
    if (!epochs.isEmpty()) {
      Plots.epochs(runDir.resolve(Plots.FINE_TUNING), "Fine-tuning", epochs);
      drawn.add(Plots.FINE_TUNING);
    }
    return drawn;
  }

  /**
   * Writes {@code report.md} and {@code report.json}.
   *
   * @param numerics the run's {@code NumericsEnvironment} line
   * @param arguments every flag of the run, as {@code arguments.json} holds them
   * @param plots file names in {@code runDir}, linked by relative path
   */
  public static void write(Path runDir, ResultTable table, String numerics, Map<String, Object> arguments,
      List<String> plots) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>(table.numbers());
    json.put("numerics", numerics);
    json.put("arguments", arguments);
    json.put("plots", plots);
    byte[] jsonBytes = MAPPER.writeValueAsBytes(json);
    byte[] markdown = markdown(table, numerics, arguments, plots).getBytes(StandardCharsets.UTF_8);
    AtomicFile.write(runDir.resolve(JSON), o -> o.write(jsonBytes));
    AtomicFile.write(runDir.resolve(MARKDOWN), o -> o.write(markdown));
  }

  private static String markdown(ResultTable table, String numerics, Map<String, Object> arguments, List<String> plots)
      throws JsonProcessingException {
    StringBuilder md = new StringBuilder("# EKG pruning run\n\nNumerics: ").append(numerics)
        .append("\n\n## Result\n\n").append(table.markdown());
    if (!plots.isEmpty()) {
      md.append("\n## Plots\n\n");
      for (String plot : plots) {
        md.append("![").append(plot.replaceFirst("\\.png$", "").replace('_', ' ')).append("](").append(plot)
            .append(")\n\n");
      }
    }
    md.append("## Arguments\n\n| flag | value |\n|---|---|\n");
    for (Map.Entry<String, Object> flag : arguments.entrySet()) {
      Object value = flag.getValue();
      String text = value == null ? "–"
          : value instanceof String || value instanceof Enum ? value.toString() : ONE_LINE.writeValueAsString(value);
      md.append("| `--").append(flag.getKey()).append("` | ").append(text.replace("|", "\\|")).append(" |\n");
    }
    return md.toString();
  }
}
