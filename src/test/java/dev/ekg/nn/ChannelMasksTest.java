package dev.ekg.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ekg.Goldens;
import org.junit.jupiter.api.Test;

/** Gate arithmetic of reference §4.6 against the oracle's cases (ties and negative rates included). */
class ChannelMasksTest {
  @Test
  void ordersMasksAndKeptCountsMatchTheOracle() {
    JsonNode cases = Goldens.json("gate/cases.json").get("cases");
    assertEquals(14, cases.size());
    for (JsonNode c : cases) {
      float[] scores = floats(c.get("scores"));
      float rate = (float) c.get("rate").asDouble();
      int[] order = ChannelMasks.order(scores);
      String label = "C=" + c.get("channels").asInt() + " rate=" + rate;
      assertArrayEquals(ints(c.get("order")), order, label + " order");
      assertArrayEquals(floats(c.get("mask")), ChannelMasks.mask(order, rate), label + " mask");
      assertEquals(c.get("kept").asInt(), ChannelMasks.keptCount(scores.length, rate), label + " kept");
    }
  }

  @Test
  void keptCountTableOfTheReference() {
    JsonNode table = Goldens.json("gate/cases.json").get("kept_table");
    for (JsonNode row : table) {
      float rate = (float) row.get("rate").asDouble();
      assertEquals(row.get("kept").asInt(), ChannelMasks.keptCount(row.get("channels").asInt(), rate),
          "C=" + row.get("channels") + " rate=" + rate);
    }
    assertEquals(61, ChannelMasks.keptCount(64, 0.94f));
    assertEquals(1, ChannelMasks.keptCount(16, -0.2f));
  }

  /** Every count of every gate up to 512 channels, 7 of 13 among them, whose float32 7/13 keeps 8. */
  @Test
  void rateKeepingKeepsExactlyThatCount() {
    assertEquals(8, ChannelMasks.keptCount(13, (float) 7 / 13));
    assertEquals(7, ChannelMasks.keptCount(13, ChannelMasks.rateKeeping(13, 7)));
    for (int channels = 1; channels <= 512; channels++) {
      for (int kept = 1; kept <= channels; kept++) {
        float rate = ChannelMasks.rateKeeping(channels, kept);
        assertEquals(kept, ChannelMasks.keptCount(channels, rate), kept + " of " + channels);
        assertEquals((float) kept / channels, rate, 1e-6f, kept + " of " + channels);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> ChannelMasks.rateKeeping(16, 0));
    assertThrows(IllegalArgumentException.class, () -> ChannelMasks.rateKeeping(16, 17));
  }

  @Test
  void keptIndicesAreTheOnesOfTheMask() {
    assertArrayEquals(new int[] {0, 2, 3}, ChannelMasks.keptIndices(new float[] {1, 0, 1, 1, 0}));
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }
}
