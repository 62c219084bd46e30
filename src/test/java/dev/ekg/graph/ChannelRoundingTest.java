package dev.ekg.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChannelRoundingTest {
  private static final ChannelRounding FOUR = new ChannelRounding(4);

  @Test
  void chosenCountsRoundDownToAMultipleOfNAtLeastN() {
    assertEquals(12, FOUR.down(13, 16));
    assertEquals(12, FOUR.down(12, 16));
    assertEquals(12, FOUR.down(15, 16));
    assertEquals(4, FOUR.down(5, 16));
    assertEquals(4, FOUR.down(3, 16), "never below N");
    assertEquals(4, FOUR.down(0, 16));
  }

  @Test
  void minimaRoundUpToAMultipleOfNAtMostC() {
    assertEquals(8, FOUR.up(7, 64));
    assertEquals(8, FOUR.up(8, 64));
    assertEquals(4, FOUR.up(1, 64));
    assertEquals(4, FOUR.up(0, 64));
    assertEquals(18, FOUR.up(17, 18), "capped at the group's width");
  }

  /** The unpruned width is always allowed, a multiple of N or not; below it only multiples are. */
  @Test
  void aGroupKeepsAllItsChannelsWhatever() {
    assertEquals(18, FOUR.down(18, 18));
    assertEquals(18, FOUR.down(25, 18));
    assertEquals(16, FOUR.down(17, 18));
    assertEquals(18, FOUR.up(18, 18));
  }

  @Test
  void aGroupNarrowerThanNKeepsAllItsChannels() {
    ChannelRounding eight = new ChannelRounding(8);
    assertEquals(6, eight.fewest(6));
    for (int count = 0; count <= 6; count++) {
      assertEquals(6, eight.down(count, 6), "down(" + count + ")");
      assertEquals(6, eight.up(count, 6), "up(" + count + ")");
    }
    assertEquals(8, eight.fewest(64));
  }

  @Test
  void noneAllowsEveryCountFromOne() {
    assertTrue(ChannelRounding.NONE.isNone());
    for (int count = 1; count <= 16; count++) {
      assertEquals(count, ChannelRounding.NONE.down(count, 16));
      assertEquals(count, ChannelRounding.NONE.up(count, 16));
    }
    assertEquals(1, ChannelRounding.NONE.down(0, 16));
    assertEquals(1, ChannelRounding.NONE.fewest(16));
  }

  /** Every result is allowed: C itself, or a multiple of N between N and C. */
  @Test
  void everyRoundedCountIsAllowed() {
    for (int n = 1; n <= 9; n++) {
      ChannelRounding rounding = new ChannelRounding(n);
      for (int c = 1; c <= 40; c++) {
        for (int count = 0; count <= c + 2; count++) {
          for (int rounded : new int[] {rounding.down(count, c), rounding.up(count, c)}) {
            boolean allowed = rounded == c || (rounded % n == 0 && rounded >= n && rounded < c);
            assertTrue(allowed, "N=" + n + " C=" + c + " count=" + count + " gave " + rounded);
          }
          assertTrue(rounding.down(count, c) <= Math.max(count, rounding.fewest(c)), "down never rounds up past N");
          assertTrue(rounding.up(count, c) >= Math.min(count, c), "up never rounds down");
        }
      }
    }
  }

  @Test
  void aCountBelowOneIsRefusedNamingTheFlag() {
    assertEquals("--round_to must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new ChannelRounding(0)).getMessage());
    assertEquals("--round_to must be at least 1, got -8",
        assertThrows(IllegalArgumentException.class, () -> new ChannelRounding(-8)).getMessage());
  }
}
