package dev.ekg.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code kept_channels.json}: per channel group (gate), in group order, the indices of the channels
 * the pruned network keeps, keyed {@code "<group index> <conv name>"}. Magnitude pruning writes it in
 * the search phase (its whole decision), every method in the prune phase.
 */
public final class KeptChannelsFile {
  public static final String FILE = "kept_channels.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private KeptChannelsFile() {}

  static void write(Path dir, ChannelGroups groups, int[][] kept) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    for (ChannelGroups.Group g : groups.groups()) {
      json.put(g.index() + " " + g.name(), kept[g.index()]);
    }
    AtomicFile.writeJson(dir.resolve(FILE), JSON, json);
  }

  /** The kept channel indices of every gate, by gate index. */
  public static int[][] read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    JsonNode json = JSON.readTree(file.toFile());
    if (json == null || !json.isObject()) {
      throw new IOException(file + ": expected a JSON object of kept channels per gate, got " + json);
    }
    int[][] kept = new int[json.size()][];
    Iterator<Map.Entry<String, JsonNode>> gates = json.fields();
    for (int g = 0; gates.hasNext(); g++) {
      Map.Entry<String, JsonNode> gate = gates.next();
      if (!gate.getKey().startsWith(g + " ") || !gate.getValue().isArray()) {
        throw new IOException(file + ": expected entry " + g + " to be \"" + g + " <conv name>\": [channel indices], got \""
            + gate.getKey() + "\"");
      }
      kept[g] = new int[gate.getValue().size()];
      for (int c = 0; c < kept[g].length; c++) {
        kept[g][c] = gate.getValue().get(c).intValue();
      }
    }
    return kept;
  }
}
