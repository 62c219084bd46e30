package dev.ekg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InOrderRunsTest {
  /** Generous: only reached when the runs do not overlap as they must. */
  private static final long WAIT_SECONDS = 60;

  @Test
  void resultsComeInTheCallsOrderWithAtMostTwoRunning() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    // every pair of calls meets at the barrier: the pass cannot end unless two run at once
    CyclicBarrier pairs = new CyclicBarrier(2);
    List<Callable<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int value = i;
      calls.add(() -> {
        most.accumulateAndGet(running.incrementAndGet(), Math::max);
        pairs.await(WAIT_SECONDS, TimeUnit.SECONDS);
        running.decrementAndGet();
        return value * value;
      });
    }
    assertEquals(List.of(0, 1, 4, 9, 16, 25, 36, 49), InOrderRuns.all(calls, 2, "test"));
    assertEquals(2, most.get());
  }

  @Test
  void oneInFlightRunsOnTheCallingThread() {
    Thread caller = Thread.currentThread();
    List<Thread> threads = new ArrayList<>();
    List<Callable<Integer>> calls = List.of(() -> {
      threads.add(Thread.currentThread());
      return 1;
    }, () -> {
      threads.add(Thread.currentThread());
      return 2;
    });
    assertEquals(List.of(1, 2), InOrderRuns.all(calls, 1, "test"));
    assertEquals(List.of(caller, caller), threads);
  }

  @Test
  void aFailedCallThrowsItsOwnExceptionAfterTheRunningOnesEnded() {
    UncheckedIOException failure = new UncheckedIOException(new IOException("batch 0 failed"));
    CountDownLatch failed = new CountDownLatch(1);
    AtomicBoolean secondEnded = new AtomicBoolean();
    List<Callable<Integer>> calls = List.of(() -> {
      failed.countDown();
      throw failure;
    }, () -> {
      failed.await(WAIT_SECONDS, TimeUnit.SECONDS);
      Thread.sleep(200); // still running when the failure reaches the caller, unless close waits
      secondEnded.set(true);
      return 1;
    }, () -> 2);
    List<Integer> consumed = new ArrayList<>();
    RuntimeException thrown;
    try (InOrderRuns<Integer> runs = new InOrderRuns<>(2, "test", consumed::add)) {
      thrown = assertThrows(RuntimeException.class, () -> calls.forEach(runs::submit));
    }
    assertSame(failure, thrown);
    assertEquals(List.of(), consumed);
    assertTrue(secondEnded.get(), "closing waits for the calls still running");
  }

  @Test
  void checkedExceptionsAreWrappedAndBadWidthsRefused() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> InOrderRuns.all(List.<Callable<Integer>>of(() -> {
          throw new IOException("no file");
        }), 1, "test"));
    assertEquals("no file", e.getCause().getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> new InOrderRuns<Integer>(0, "test", x -> {}));
    assertEquals("runs in flight must be at least 1, got 0", bad.getMessage());
  }
}
