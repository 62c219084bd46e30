package dev.ekg.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ekg.io.AtomicFile;
import dev.ekg.prune.EkgSearch;
import dev.ekg.prune.SubNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code search_history.json}: every sub-network the search accepted (original first, final
 * last) with its channel ranks, widths and validation loss ({@link SubNetworkJson}); what the prune
 * phase starts from.
 */
public final class SearchHistoryFile {
  public static final String FILE = "search_history.json";
  private static final ObjectMapper JSON = SubNetworkJson.mapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The file's content. */
  public record Content(double originalLoss, double originalAccuracy, List<SubNetwork> history) {}

  private SearchHistoryFile() {}

  public static void write(Path dir, EkgSearch.Result result) throws IOException {
    AtomicFile.writeJson(dir.resolve(FILE), JSON, new Content(result.originalLoss(), result.originalAccuracy(), result.history()));
  }

  public static Content read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + " is missing: run the search phase first (--phase search)");
    }
    try {
      return JSON.readValue(file.toFile(), Content.class);
    } catch (IOException e) {
      throw new IOException(file + ": unreadable search history: " + e.getMessage(), e);
    }
  }
}
