package dev.ekg.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
  private static final double[] TRAIN_CIFAR_POINTS = {.3, .6, .8};
  private static final int STEPS_PER_EPOCH = 390;

  @Test
  void aOneEpochScheduleDecaysAtTheFractionsOfItsSteps() {
    LearningRateSchedule s = new LearningRateSchedule(1e-2, TRAIN_CIFAR_POINTS, .2, 1);
    assertArrayEquals(new long[] {117, 234, 312}, s.decaySteps(STEPS_PER_EPOCH));
    assertEquals(1e-2, s.at(0, STEPS_PER_EPOCH), 0);
    assertEquals(1e-2, s.at(116, STEPS_PER_EPOCH), 0);
    assertEquals(2e-3, s.at(117, STEPS_PER_EPOCH), 1e-15);
    assertEquals(4e-4, s.at(311, STEPS_PER_EPOCH), 1e-15);
    assertEquals(8e-5, s.at(312, STEPS_PER_EPOCH), 1e-15);
    assertEquals(8e-5, s.at(389, STEPS_PER_EPOCH), 1e-15);
  }

  @Test
  void aTwoEpochScheduleDecaysInsideBothEpochs() {
    LearningRateSchedule s = new LearningRateSchedule(1e-2, TRAIN_CIFAR_POINTS, .2, 2);
    assertArrayEquals(new long[] {234, 468, 624}, s.decaySteps(STEPS_PER_EPOCH));
    assertEquals(2e-3, s.at(389, STEPS_PER_EPOCH), 1e-15);
    assertEquals(4e-4, s.at(468, STEPS_PER_EPOCH), 1e-15);
    assertEquals(8e-5, s.at(779, STEPS_PER_EPOCH), 1e-15);
  }

  @Test
  void theReferenceHundredEpochScheduleDecaysAtTheStartOfItsEpochs() {
    // the reference's int(point · epochs): epochs 30, 60, 80
    LearningRateSchedule s = new LearningRateSchedule(1e-2, TRAIN_CIFAR_POINTS, .2, 100);
    assertArrayEquals(new long[] {30L * STEPS_PER_EPOCH, 60L * STEPS_PER_EPOCH, 80L * STEPS_PER_EPOCH},
        s.decaySteps(STEPS_PER_EPOCH));
    assertEquals(1e-2, s.at(30L * STEPS_PER_EPOCH - 1, STEPS_PER_EPOCH), 0);
    assertEquals(2e-3, s.at(30L * STEPS_PER_EPOCH, STEPS_PER_EPOCH), 1e-15);
  }

  @Test
  void pointsOfAtLeastOneAreEpochs() {
    LearningRateSchedule s = new LearningRateSchedule(.05, new double[] {2, 3}, .1, 4);
    assertArrayEquals(new long[] {2 * STEPS_PER_EPOCH, 3 * STEPS_PER_EPOCH}, s.decaySteps(STEPS_PER_EPOCH));
    assertEquals(.05, s.at(2 * STEPS_PER_EPOCH - 1, STEPS_PER_EPOCH), 0);
    assertEquals(.005, s.at(2 * STEPS_PER_EPOCH, STEPS_PER_EPOCH), 1e-15);
  }

  @Test
  void refusesNonPositiveValuesNamingTheFlag() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LearningRateSchedule(.1, new double[] {0}, .1, 1));
    assertEquals("--decay_points must be positive, got 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(0, new double[] {.5}, .1, 1));
    assertEquals("--learning_rate must be positive, got 0.0", e.getMessage());
  }
}
