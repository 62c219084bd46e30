package dev.ekg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** What {@code --warmup_steps} means for a warm-up subset (reference §5.5: one pass by default). */
class WarmUpStepsTest {
  @Test
  void onePassIsTheSubsetsFullBatchesWithTheRemainderDropped() {
    assertEquals(10, EkgPipeline.warmUpSteps(EkgPipeline.ONE_PASS, 2560, 256));
    assertEquals(1, EkgPipeline.warmUpSteps(EkgPipeline.ONE_PASS, 320, 256));
    assertEquals(0, EkgPipeline.warmUpSteps(EkgPipeline.ONE_PASS, 200, 256), "no full batch: no warm-up");
  }

  @Test
  void zeroSkipsAndNTakesExactlyNBatchesEvenBeyondOnePass() {
    assertEquals(0, EkgPipeline.warmUpSteps(0, 2560, 256));
    assertEquals(3, EkgPipeline.warmUpSteps(3, 2560, 256));
    assertEquals(25, EkgPipeline.warmUpSteps(25, 2560, 256));
    assertEquals(0, EkgPipeline.warmUpSteps(0, 200, 256), "nothing to skip is fine without a full batch");
  }

  @Test
  void stepsOfASubsetWithoutAFullBatchAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EkgPipeline.warmUpSteps(2, 200, 256));
    assertEquals("--warmup_steps 2 needs a full batch of --search_batch_size 256 images, but the warm-up subset holds 200",
        e.getMessage());
  }
}
