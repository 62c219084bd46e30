package dev.ekg.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ekg.prune.EkgSearch;
import dev.ekg.prune.SearchWidth;
import dev.ekg.prune.SubNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubNetworkJsonTest {
  /** Widths whose decimal forms need all 17 digits, and two the fine search set (NumPy float64). */
  private static final SearchWidth[] WIDTHS = {SearchWidth.FULL, new SearchWidth(0.6000000000000001, false),
      new SearchWidth(0.94, true), new SearchWidth(0.1 + 0.2, true)};
  private static final SubNetwork NETWORK =
      new SubNetwork(WIDTHS, new int[][] {{1, 0}, {0, 2, 1}, {0}, {3, 2, 1, 0}}, 1.4075000286102295);

  @TempDir Path dir;

  private static void assertSame(SubNetwork expected, SubNetwork actual) {
    assertArrayEquals(expected.widths(), actual.widths());
    assertArrayEquals(expected.orders(), actual.orders());
    assertEquals(expected.valLoss(), actual.valLoss());
  }

  @Test
  void widthsArePlainNumbersThatReadBackBitForBitWithTheirType() throws IOException {
    SearchHistoryFile.write(dir, new EkgSearch.Result(List.of(NETWORK, NETWORK), 1.5, 0.25));
    JsonNode entry = new ObjectMapper().readTree(dir.resolve(SearchHistoryFile.FILE).toFile()).get("history").get(1);
    assertEquals("[1.0,0.6000000000000001,0.94,0.30000000000000004]", entry.get("widths").toString());
    assertEquals("[2,3]", entry.get("numpyFloat64Gates").toString());
    SearchHistoryFile.Content read = SearchHistoryFile.read(dir);
    assertEquals(1.5, read.originalLoss());
    assertEquals(2, read.history().size());
    assertSame(NETWORK, read.history().get(1));
  }

  @Test
  void aHistoryWrittenWithWidthObjectsIsStillRead() throws IOException {
    Files.writeString(dir.resolve(SearchHistoryFile.FILE), """
        {"originalLoss": 1.5, "originalAccuracy": 0.25, "history": [{"widths": [
          {"value": 1.0, "numpyFloat64": false}, {"value": 0.6000000000000001, "numpyFloat64": false},
          {"value": 0.94, "numpyFloat64": true}, {"value": 0.30000000000000004, "numpyFloat64": true}],
          "orders": [[1, 0], [0, 2, 1], [0], [3, 2, 1, 0]], "valLoss": 1.4075000286102295}]}""");
    assertSame(NETWORK, SearchHistoryFile.read(dir).history().get(0));
  }

  @Test
  void theSearchStateRoundTripsThroughItsFile() throws IOException {
    EkgSearch.State state = new EkgSearch.State(List.of(NETWORK), NETWORK, new float[] {0.1f, -2.5f}, 2, 1, 1.5, 0.25);
    Files.write(dir.resolve(SearchLog.STATE_FILE), SubNetworkJson.mapper().writeValueAsBytes(state));
    EkgSearch.State read = SearchLog.readState(dir);
    assertSame(NETWORK, read.current());
    assertSame(NETWORK, read.history().get(0));
    assertArrayEquals(state.knowledge(), read.knowledge());
    assertEquals(2, read.members());
    assertEquals(1, read.step());
  }

  @Test
  void aWidthThatIsNotANumberNamesTheFile() throws IOException {
    Files.writeString(dir.resolve(SearchHistoryFile.FILE), """
        {"originalLoss": 1, "originalAccuracy": 0, "history": [{"widths": ["1"], "orders": [[0]], "valLoss": 1}]}""");
    IOException e = assertThrows(IOException.class, () -> SearchHistoryFile.read(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve(SearchHistoryFile.FILE) + ": unreadable search history: width 0 "
        + "of a sub-network is \"1\", expected a number"), e.getMessage());
  }
}
