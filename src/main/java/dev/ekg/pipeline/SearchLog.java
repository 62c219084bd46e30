package dev.ekg.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.ekg.io.AtomicFile;
import dev.ekg.io.TensorBoardWriter;
import dev.ekg.prune.EkgSearch;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Logs each accepted search step three ways, and saves the search state for resuming
 * ({@code search_state.json}): a console line (accuracy in percent, as the epoch lines), TensorBoard
 * scalars ({@code Greed_search/acc}, {@code Greed_search/loss}, {@code Greed_search/flops_rate}) and
 * one JSON object per line in {@code search_log.jsonl} (accuracy and FLOPs rate as fractions).
 */
public final class SearchLog implements EkgSearch.Listener {
  public static final String FILE = "search_log.jsonl";
  /** The state after the last accepted step: what a killed search resumes from. */
  static final String STATE_FILE = "search_state.json";
  private static final ObjectMapper JSON = SubNetworkJson.mapper();
  private static final ObjectMapper ENTRIES = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** What {@link #read} gives of one line: the accepted gate and the sub-network's FLOPs rate and metrics (fractions). */
  public record Entry(int step, int gate, double flopsRate, double valLoss, double valAcc) {}

  private final PrintWriter out;
  private final TensorBoardWriter events;
  private final Path file;

  SearchLog(PrintWriter out, TensorBoardWriter events, Path dir) {
    this.out = out;
    this.events = events;
    this.file = dir.resolve(FILE);
  }

  @Override
  public void accepted(EkgSearch.Step s, EkgSearch.State state) {
    out.printf(Locale.ROOT, "search step %d: gate %d, FLOPs rate %.4f, val loss %.4f, val acc %.2f %%, evaluated %d gates%n",
        s.step(), s.gate(), s.flopsRate(), s.valLoss(), 100 * s.valAccuracy(), s.evaluated().length);
    out.flush();
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("step", s.step());
    record.put("gate", s.gate());
    record.put("flops_rate", s.flopsRate());
    record.put("val_loss", s.valLoss());
    record.put("val_acc", s.valAccuracy());
    record.put("widths", s.widths());
    record.put("kept", state.current().keptCounts());
    record.put("evaluated", s.evaluated());
    record.put("scores", s.scores());
    record.put("threshold", Double.isNaN(s.threshold()) ? null : s.threshold());
    try {
      events.scalar("Greed_search/acc", s.step(), s.valAccuracy());
      events.scalar("Greed_search/loss", s.step(), s.valLoss());
      events.scalar("Greed_search/flops_rate", s.step(), s.flopsRate());
      events.flush();
      // the line before the state: a resumed search trims the log back to its saved steps
      Files.write(file, (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      byte[] saved = JSON.writeValueAsBytes(state);
      AtomicFile.write(file.resolveSibling(STATE_FILE), o -> o.write(saved));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StopRequest.check("after search step " + s.step() + " (saved: --resume continues after it)");
  }

  /** The search state saved in {@code dir} after its last accepted step. */
  static EkgSearch.State readState(Path dir) throws IOException {
    Path file = dir.resolve(STATE_FILE);
    try {
      return JSON.readValue(file.toFile(), EkgSearch.State.class);
    } catch (IOException e) {
      throw new IOException(file + ": unreadable search state: " + e.getMessage(), e);
    }
  }

  /** Every step logged in {@code dir}'s {@code search_log.jsonl}, in order. */
  public static List<Entry> read(Path dir) throws IOException {
    Path log = dir.resolve(FILE);
    List<Entry> entries = new ArrayList<>();
    int line = 0;
    for (String text : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      line++;
      try {
        entries.add(ENTRIES.readValue(text, Entry.class));
      } catch (IOException e) {
        throw new IOException(log + " line " + line + ": expected a search step as JSON, got " + text, e);
      }
    }
    return entries;
  }

  /**
   * Keeps the first {@code steps} lines of the log of {@code dir}: a search killed between
   * appending a step's line and saving its state resumes with a log of exactly its saved steps.
   */
  static void keepSteps(Path dir, int steps) throws IOException {
    Path log = dir.resolve(FILE);
    List<String> lines = Files.isRegularFile(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    if (lines.size() < steps) {
      throw new IOException(log + " holds " + lines.size() + " steps, expected at least the " + steps
          + " steps of " + dir.resolve(STATE_FILE));
    }
    String kept = lines.subList(0, steps).stream().map(l -> l + "\n").collect(Collectors.joining());
    AtomicFile.write(log, o -> o.write(kept.getBytes(StandardCharsets.UTF_8)));
  }
}
