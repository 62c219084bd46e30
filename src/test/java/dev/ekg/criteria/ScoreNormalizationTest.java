package dev.ekg.criteria;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ScoreNormalizationTest {
  @Test
  void everyNormalizationOfEveryCriterionMatchesTheOracle() {
    JsonNode criteria = MagnitudeGoldens.scores().get("criteria");
    for (MagnitudeCriterion criterion : MagnitudeCriterion.values()) {
      JsonNode byNormalization = criteria.get(criterion.cliName());
      float[][] raw = MagnitudeGoldens.floatLists(byNormalization.get("none"));
      for (ScoreNormalization normalization : ScoreNormalization.values()) {
        float[][] expected = MagnitudeGoldens.floatLists(byNormalization.get(normalization.cliName()));
        MagnitudeScorerTest.assertClose(
            expected, normalization.apply(raw), 1e-6, criterion.cliName() + "/" + normalization.cliName());
      }
    }
  }

  @Test
  void eachGroupIsDividedByItsOwnStatistic() {
    float[][] scores = {{1, 2, 5}, {4, 4}};
    assertArrayEquals(new float[][] {{1, 2, 5}, {4, 4}}, ScoreNormalization.NONE.apply(scores));
    assertArrayEquals(new float[][] {{0.375f, 0.75f, 1.875f}, {1, 1}}, ScoreNormalization.MEAN.apply(scores));
    assertArrayEquals(new float[][] {{0.2f, 0.4f, 1}, {1, 1}}, ScoreNormalization.MAX.apply(scores));
    assertArrayEquals(new float[][] {{0.125f, 0.25f, 0.625f}, {0.5f, 0.5f}}, ScoreNormalization.SUM.apply(scores));
    assertArrayEquals(new float[] {1, 2, 5}, scores[0], "the input is not changed");
  }

  @Test
  void aGroupWithAZeroDenominatorKeepsItsScores() {
    float[][] scores = {{0, 0, 0}, {-1, 1}, {2, 6}};
    for (ScoreNormalization normalization : new ScoreNormalization[] {ScoreNormalization.MEAN, ScoreNormalization.SUM}) {
      float[][] out = normalization.apply(scores);
      assertArrayEquals(scores[0], out[0], normalization.cliName());
      assertArrayEquals(scores[1], out[1], normalization.cliName());
    }
    assertArrayEquals(scores[0], ScoreNormalization.MAX.apply(scores)[0]);
    assertArrayEquals(new float[] {0.5f, 1.5f}, ScoreNormalization.MEAN.apply(scores)[2]);
  }

  @Test
  void theNormalizationParsesItsCliNamesAndNamesTheFlagOtherwise() {
    for (ScoreNormalization normalization : ScoreNormalization.values()) {
      assertEquals(normalization, ScoreNormalization.parse(normalization.cliName()));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreNormalization.parse("l2"));
    assertEquals("--normalization must be one of none, mean, max, sum, got 'l2'", e.getMessage());
  }
}
