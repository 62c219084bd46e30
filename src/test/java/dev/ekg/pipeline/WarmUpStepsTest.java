package dev.ekg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** What {@code --warmup_steps} means for a warm-up subset (reference §5.5: one pass by default). */
class WarmUpStepsTest {
  @Test
  void onePassIsTheSubsetsFullBatchesWithTheRemainderDropped() {
    assertEquals(10, PruningPipeline.warmUpSteps(PruningPipeline.ONE_PASS, 2560, 256));
    assertEquals(1, PruningPipeline.warmUpSteps(PruningPipeline.ONE_PASS, 320, 256));
    assertEquals(0, PruningPipeline.warmUpSteps(PruningPipeline.ONE_PASS, 200, 256), "no full batch: no warm-up");
  }

  @Test
  void zeroSkipsAndNTakesExactlyNBatchesEvenBeyondOnePass() {
    assertEquals(0, PruningPipeline.warmUpSteps(0, 2560, 256));
    assertEquals(3, PruningPipeline.warmUpSteps(3, 2560, 256));
    assertEquals(25, PruningPipeline.warmUpSteps(25, 2560, 256));
    assertEquals(0, PruningPipeline.warmUpSteps(0, 200, 256), "nothing to skip is fine without a full batch");
  }

  @Test
  void stepsOfASubsetWithoutAFullBatchAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PruningPipeline.warmUpSteps(2, 200, 256));
    assertEquals("--warmup_steps 2 needs a full batch of --search_batch_size 256 images, but the warm-up subset holds 200",
        e.getMessage());
  }
}
