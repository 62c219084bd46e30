package dev.ekg.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Independent calls (session runs on their own or shared read-only tensors) a few at a time, their
 * results handed to a consumer in the order the calls were submitted, on the submitting thread. A
 * single forward pass leaves part of a small CPU idle; two in flight fill it, with the same bits
 * (each run is the same computation, whatever else runs beside it). Closing waits for the calls
 * still running, so what they read may be freed right after.
 */
public final class InOrderRuns<T> implements AutoCloseable {
  /** Session runs at a time where they speed up a pass (README, "The search with shared prefixes and two runs at a time"). */
  public static final int IN_FLIGHT = 2;

  private final int inFlight;
  private final Consumer<T> consumer;
  private final ExecutorService pool;
  private final Deque<Future<T>> running = new ArrayDeque<>();

  /** With {@code inFlight} 1 every call runs on the submitting thread, one after the other. */
  public InOrderRuns(int inFlight, String threadName, Consumer<T> consumer) {
    if (inFlight < 1) {
      throw new IllegalArgumentException("runs in flight must be at least 1, got " + inFlight);
    }
    this.inFlight = inFlight;
    this.consumer = consumer;
    AtomicInteger count = new AtomicInteger();
    this.pool = inFlight == 1 ? null : Executors.newFixedThreadPool(inFlight, runnable -> {
      Thread thread = new Thread(runnable, threadName + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** The results of {@code calls}, in order, at most {@code inFlight} running at a time. */
  public static <T> List<T> all(List<? extends Callable<T>> calls, int inFlight, String threadName) {
    List<T> results = new ArrayList<>();
    try (InOrderRuns<T> runs = new InOrderRuns<>(Math.min(inFlight, Math.max(1, calls.size())), threadName,
        results::add)) {
      calls.forEach(runs::submit);
      runs.finish();
    }
    return results;
  }

  /**
   * Starts {@code call}, first handing the oldest result to the consumer when {@code inFlight}
   * calls are running.
   *
   * @throws RuntimeException a failed call's exception, unwrapped
   */
  public void submit(Callable<T> call) {
    if (pool == null) {
      consumer.accept(callHere(call));
      return;
    }
    if (running.size() == inFlight) {
      consumeOldest();
    }
    running.add(pool.submit(call));
  }

  /** Hands every remaining result to the consumer, in order. */
  public void finish() {
    while (!running.isEmpty()) {
      consumeOldest();
    }
  }

  private void consumeOldest() {
    Future<T> oldest = running.poll();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          consumer.accept(oldest.get());
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw unwrapped(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static <T> T callHere(Callable<T> call) {
    try {
      return call.call();
    } catch (Exception e) {
      throw unwrapped(e);
    }
  }

  private static RuntimeException unwrapped(Throwable cause) {
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(cause);
  }

  /** Lets the running calls end (a session run cannot be interrupted; its inputs must outlive it). */
  @Override
  public void close() {
    if (pool == null) {
      return;
    }
    pool.shutdown();
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.DAYS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
