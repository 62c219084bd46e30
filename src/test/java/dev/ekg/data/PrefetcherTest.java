package dev.ekg.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class PrefetcherTest {
  private static TrainingBatches source() {
    return TrainingBatches.builder(TrainingBatchesTest.dataset(), Normalization.CIFAR10, 8, 5)
        .twoViews(true)
        .knowledge(TrainingBatchesTest.identityRows(), 2)
        .build();
  }

  private static void assertSameBatch(Batch expected, Batch actual) {
    assertEquals(expected.step(), actual.step());
    assertArrayEquals(expected.images(), actual.images(), "step " + expected.step());
    assertArrayEquals(expected.labels(), actual.labels());
    assertArrayEquals(expected.knowledge(), actual.knowledge());
  }

  @Test
  void yieldsTheDirectlyComputedBatchesInOrder() throws InterruptedException {
    TrainingBatches direct = source();
    try (Prefetcher prefetcher = new Prefetcher(source(), 0, 15, 3)) {
      for (long step = 0; step < 15; step++) {
        Batch batch = prefetcher.take();
        assertSameBatch(direct.batch(step), batch);
        prefetcher.release(batch);
      }
      assertThrows(NoSuchElementException.class, prefetcher::take);
      Prefetcher.WaitStats stats = prefetcher.waitStats();
      assertEquals(15, stats.batches());
      assertTrue(stats.totalNanos() >= 0 && stats.lastNanos() >= 0 && stats.lastNanos() <= stats.totalNanos());
      assertTrue(stats.millisPerBatch() >= 0);
      assertEquals(0, stats.since(stats).batches());
    }
  }

  @Test
  void startingAtStepKEqualsSkippingKBatches() throws InterruptedException {
    int k = 7;
    try (Prefetcher fresh = new Prefetcher(source(), 0, 20, 2);
        Prefetcher resumed = new Prefetcher(source(), k, 20, 2)) {
      for (int i = 0; i < k; i++) {
        fresh.release(fresh.take());
      }
      for (long step = k; step < 20; step++) {
        Batch a = fresh.take();
        Batch b = resumed.take();
        assertEquals(step, b.step());
        assertSameBatch(a, b);
        fresh.release(a);
        resumed.release(b);
      }
    }
  }

  @Test
  void aProducerFailureReachesTheConsumerAfterTheGoodBatches() throws InterruptedException {
    // one step per epoch, so step 2^31 needs epoch 2^31, which does not fit an int
    TrainingBatches whole = TrainingBatches.builder(TrainingBatchesTest.dataset(), Normalization.CIFAR10, 50, 0).build();
    long first = Integer.MAX_VALUE - 1L;
    try (Prefetcher prefetcher = new Prefetcher(whole, first, first + 10, 3)) {
      prefetcher.release(prefetcher.take());
      prefetcher.release(prefetcher.take());
      IllegalStateException e = assertThrows(IllegalStateException.class, prefetcher::take);
      assertEquals("preparing the training batch of step 2147483648 failed", e.getMessage());
      assertInstanceOf(ArithmeticException.class, e.getCause());
      assertThrows(IllegalStateException.class, prefetcher::take, "and it stays failed");
    }
  }

  @Test
  void closeStopsABlockedProducer() throws InterruptedException {
    Prefetcher prefetcher = new Prefetcher(source(), 0, Long.MAX_VALUE, 2);
    Batch held = prefetcher.take(); // the producer fills the other buffer, then blocks
    assertTrue(prefetcher.producerAlive());
    prefetcher.close(); // joins the producer, with no time limit a loaded machine could miss
    assertFalse(prefetcher.producerAlive());
    assertThrows(IllegalStateException.class, prefetcher::take);
    assertEquals(0, held.step(), "taken batches stay readable");
    prefetcher.close(); // idempotent
  }

  @Test
  void closeStopsARunningProducer() {
    Prefetcher prefetcher = new Prefetcher(source(), 0, Long.MAX_VALUE, 3);
    prefetcher.close(); // joins the producer, with no time limit a loaded machine could miss
    assertFalse(prefetcher.producerAlive());
  }

  @Test
  void misuseIsRefused() throws InterruptedException {
    try (Prefetcher prefetcher = new Prefetcher(source(), 0, 10, 2)) {
      Batch a = prefetcher.take();
      Batch b = prefetcher.take();
      assertThrows(IllegalStateException.class, prefetcher::take, "both buffers are held");
      prefetcher.release(a);
      assertThrows(IllegalArgumentException.class, () -> prefetcher.release(a), "released twice");
      assertThrows(IllegalArgumentException.class, () -> prefetcher.release(source().newBatch()));
      prefetcher.release(b);
      assertEquals(2, prefetcher.take().step());
    }
    assertThrows(IllegalArgumentException.class, () -> new Prefetcher(source(), 5, 4, 2));
    assertThrows(IllegalArgumentException.class, () -> new Prefetcher(source(), 0, 4, 0));
  }
}
