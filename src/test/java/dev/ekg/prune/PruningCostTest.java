package dev.ekg.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class PruningCostTest {
  private static final float[] SCORES = {5, 1, 3, 2, 4, 0, 7, 6}; // sorted: 0 1 2 3 4 5 6 7

  @Test
  void specSliceSumsTheLowestStillActiveScores() {
    // r = 0.75, step 0.25: sorted[round(2.0) : round(4.0)] = 2 + 3
    assertEquals(5.0, PruningCost.SPEC_SLICE.cost(SCORES, 0.75f, 0.25));
    // r = 1, step 0.2: sorted[0 : round(1.6)] = 0 + 1
    assertEquals(1.0, PruningCost.SPEC_SLICE.cost(SCORES, 1f, 0.2));
    // r = 0.1875, step 0.2: sorted[round(6.5) : round(8.1)] = sorted[6:8], half to even
    assertEquals(13.0, PruningCost.SPEC_SLICE.cost(SCORES, 0.1875f, 0.2));
    // r = 0.125, step 0.2: sorted[round(7.0) : round(8.6)], the end clamped to C
    assertEquals(7.0, PruningCost.SPEC_SLICE.cost(SCORES, 0.125f, 0.2));
    // r = 0.0625, step 0.2: sorted[round(7.5) : round(9.1)] starts at 8, half to even: empty
    assertEquals(0.0, PruningCost.SPEC_SLICE.cost(SCORES, 0.0625f, 0.2));
  }

  /** --round_to: narrowing from kept to next channels costs the ascending scores [C − kept, C − next). */
  @Test
  void aNarrowingByCountsCostsTheChannelsItRemoves() {
    assertEquals(0.0 + 1 + 2 + 3, PruningCost.SPEC_SLICE.cost(SCORES, 8, 4));
    assertEquals(4.0 + 5, PruningCost.SPEC_SLICE.cost(SCORES, 4, 2));
    assertEquals(28.0, PruningCost.AS_EXECUTED.cost(SCORES, 8, 4), "a full gate: all its scores");
    assertEquals(0.0, PruningCost.AS_EXECUTED.cost(SCORES, 4, 2), "a narrowed gate: nothing");
    assertThrows(IllegalArgumentException.class, () -> PruningCost.SPEC_SLICE.cost(SCORES, 4, 4));
    assertThrows(IllegalArgumentException.class, () -> PruningCost.SPEC_SLICE.cost(SCORES, 9, 4));
  }

  @Test
  void asExecutedCostsAFullGateAllItsScoresAndAPrunedOneNothing() {
    assertEquals(28.0, PruningCost.AS_EXECUTED.cost(SCORES, 1f, 0.2));
    assertEquals(28.0, PruningCost.AS_EXECUTED.cost(SCORES, 0.9375f, 0.2)); // round(0.5) = 0
    assertEquals(0.0, PruningCost.AS_EXECUTED.cost(SCORES, 0.8125f, 0.2)); // round(1.5) = 2
    assertEquals(0.0, PruningCost.AS_EXECUTED.cost(SCORES, 0.75f, 0.25));
  }

  @Test
  void gatesAtRateZeroOrBelowAreNotPrunable() {
    for (PruningCost variant : PruningCost.values()) {
      assertEquals(PruningCost.NOT_PRUNABLE, variant.cost(SCORES, 0f, 0.2));
      assertEquals(PruningCost.NOT_PRUNABLE, variant.cost(SCORES, -0.04f, 0.2));
      assertThrows(IllegalArgumentException.class, () -> variant.cost(SCORES, 1.01f, 0.2));
    }
  }

  @Test
  void costsOfEveryGateNeedOneScoreVectorRateAndStepPerGate() {
    GateSteps steps = GateSteps.of(SearchHostGoldens.resnet(20), 0.2);
    assertThrows(IllegalArgumentException.class,
        () -> PruningCost.SPEC_SLICE.costs(new float[11][16], new float[12], steps));
  }

  /** mask_marking of the reference on 1-D scores (the spec) and on [1,1,1,C] scores (as run). */
  @Test
  void matchesMaskMarkingOnTheGoldens() {
    for (JsonNode c : SearchHostGoldens.json("mask_marking.json").get("cases")) {
      float[] rates = SearchHostGoldens.floats(c.get("rates"));
      double[] steps = SearchHostGoldens.doubles(c.get("steps"));
      JsonNode scores = c.get("scores");
      for (PruningCost variant : PruningCost.values()) {
        double[] costs = new double[rates.length];
        for (int g = 0; g < rates.length; g++) {
          costs[g] = variant.cost(SearchHostGoldens.floats(scores.get(g)), rates[g], steps[g]);
        }
        assertArrayEquals(SearchHostGoldens.doubles(c.get(key(variant)).get("costs")), costs, variant + " costs");
      }
    }
  }

  static String key(PruningCost variant) {
    return variant == PruningCost.SPEC_SLICE ? "spec" : "executed";
  }
}
