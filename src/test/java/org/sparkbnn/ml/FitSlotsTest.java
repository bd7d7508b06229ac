package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The task slots that the fits of one estimator fit (members, and likelihood=auto's two candidates) share. */
class FitSlotsTest {
  private static final String THREAD = "fit-slots-test";

  /**
   * Two groups of three fits (as two candidates of three members each) on two slots: never more than two train at
   * once, and the last fit of the first group trains together with one of the second (each fit waits at a barrier of
   * two, which only two fits at once can pass; in turn, the first group's third fit would wait for a partner until
   * the barrier's timeout broke it). Results come back in order.
   */
  @Test
  void fitsOfTwoGroupsShareTheSlots() {
    FitSlots slots = new FitSlots(2);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CyclicBarrier pairs = new CyclicBarrier(2);
    List<Supplier<List<Integer>>> groups = new ArrayList<>();
    for (int g = 0; g < 2; g++) {
      int group = g;
      List<Supplier<Integer>> fits = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        int fit = 3 * group + k;
        fits.add(() -> slots.run(() -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            pairs.await(30, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException("fit " + fit + " trained alone", e);
          } finally {
            running.decrementAndGet();
          }
          return fit;
        }));
      }
      groups.add(() -> slots.all(fits, THREAD));
    }
    assertEquals(List.of(List.of(0, 1, 2), List.of(3, 4, 5)), slots.all(groups, THREAD));
    assertEquals(2, most.get());
    assertNoThreadLeft();
  }

  /**
   * Fits that reach the slots after a fit, or the work around fits (a candidate's), has failed do not start; the
   * failure is rethrown, not the cancellation of the fits that did not start, once all have ended.
   */
  @Test
  void afterAFailureNoWaitingFitStarts() {
    for (boolean inAFit : new boolean[] {true, false}) {
      IllegalArgumentException failure = new IllegalArgumentException("diverged");
      failsFirst(inAFit, () -> {
        throw failure;
      }, failure);
    }
  }

  private static void failsFirst(boolean inAFit, Supplier<Integer> failing, IllegalArgumentException failure) {
    FitSlots slots = new FitSlots(2);
    AtomicInteger started = new AtomicInteger();
    List<Supplier<Integer>> fits = new ArrayList<>();
    fits.add(() -> inAFit ? slots.run(failing) : failing.get());
    for (int k = 1; k < 4; k++) {
      int fit = k;
      fits.add(() -> {
        // The others reach the slots once the failure is known.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!slots.hasFailed() && System.nanoTime() < deadline) Thread.onSpinWait();
        return slots.run(() -> {
          started.incrementAndGet();
          return fit;
        });
      });
    }
    assertSame(failure, assertThrows(IllegalArgumentException.class, () -> slots.all(fits, THREAD)));
    assertEquals(0, started.get(), inAFit ? "after a failed fit" : "after failed work around fits");
    assertNoThreadLeft();
  }

  private static void assertNoThreadLeft() {
    assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(THREAD) && t.isAlive()),
        "a thread of the pool is still alive");
  }
}
