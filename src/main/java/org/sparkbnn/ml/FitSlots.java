package org.sparkbnn.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The collective fits that the cluster's task slots hold at once ({@link org.sparkbnn.train.SyncMode#fitsAtOnce}),
 * shared by every fit of one estimator fit: the members of an ensemble, and of likelihood=auto's two candidates,
 * which train at once. A fit waits for a free slot (in arrival order) and holds it while it trains, so the slots
 * stay busy as long as any fit is waiting. Once a fit has failed, no waiting fit starts.
 */
final class FitSlots {
  private final Semaphore free;
  private volatile boolean failed;

  FitSlots(int slots) {
    this.free = new Semaphore(Math.max(1, slots), true);
  }

  /** {@code fit}, once a slot is free; a CancellationException instead if a fit has failed by then. */
  <T> T run(Supplier<T> fit) {
    try {
      free.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a task slot to train in", e);
    }
    try {
      if (failed) throw new CancellationException("not started: another fit of this estimator failed");
      return noted(fit);
    } finally {
      free.release();
    }
  }

  /** Whether a fit, or work around fits, has failed (so no waiting fit starts). */
  boolean hasFailed() {
    return failed;
  }

  /** {@code work}'s result; a failure (other than a fit left unstarted) stops the fits still waiting. */
  private <T> T noted(Supplier<T> work) {
    try {
      return work.get();
    } catch (RuntimeException | Error e) {
      if (!(e instanceof CancellationException)) failed = true;
      throw e;
    }
  }

  /**
   * Every one of {@code work} (fits, or what runs fits) at once, the first on the calling thread and each other on a
   * thread of its own named {@code threadName}; their results in order. Once one has failed, no fit that waits for a
   * slot starts; the first failure in order that is not such a fit left unstarted is rethrown, once all have ended.
   * No thread is left behind.
   */
  <T> List<T> all(List<Supplier<T>> work, String threadName) {
    if (work.size() == 1) return List.of(noted(work.get(0)));
    List<Thread> threads = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(work.size() - 1, runnable -> {
      Thread thread = new Thread(runnable, threadName);
      thread.setDaemon(true);
      synchronized (threads) {
        threads.add(thread);
      }
      return thread;
    });
    try {
      List<Future<T>> others = new ArrayList<>();
      for (Supplier<T> w : work.subList(1, work.size())) others.add(pool.submit(() -> noted(w)));
      List<T> results = new ArrayList<>();
      Throwable failure = null;
      try {
        results.add(noted(work.get(0)));
      } catch (RuntimeException | Error e) {
        failure = e;
      }
      for (Future<T> other : others) {
        try {
          results.add(other.get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          boolean unstarted = cause instanceof CancellationException;
          if (failure == null || failure instanceof CancellationException && !unstarted) failure = cause;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while training", e);
        }
      }
      if (failure instanceof RuntimeException r) throw r;
      if (failure instanceof Error err) throw err;
      if (failure != null) throw new IllegalStateException(failure);
      return results;
    } finally {
      pool.shutdownNow();
      // Join the threads themselves: the pool counts as terminated while its last threads are still on their way out.
      try {
        synchronized (threads) {
          for (Thread thread : threads) thread.join(TimeUnit.MINUTES.toMillis(1));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
