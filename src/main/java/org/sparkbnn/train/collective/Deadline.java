package org.sparkbnn.train.collective;

import java.util.function.BooleanSupplier;

/**
 * How long a blocking collective operation may wait, checked in short slices: past the deadline it fails naming
 * what it waited for; when the task is interrupted (Spark cancelled the stage) it stops at the next slice.
 */
final class Deadline {
  /** Blocking calls wake up this often to look at the deadline and the task's interruption flag. */
  static final int SLICE_MILLIS = 100;

  private final long end;
  private final long timeoutMillis;
  private final BooleanSupplier interrupted;
  private final String during;

  Deadline(long timeoutMillis, BooleanSupplier interrupted, String during) {
    this.timeoutMillis = timeoutMillis;
    this.end = System.nanoTime() + timeoutMillis * 1_000_000L;
    this.interrupted = interrupted;
    this.during = during;
  }

  long remainingMillis() { return Math.max(0, (end - System.nanoTime()) / 1_000_000L); }

  /** Throws if the deadline passed or the task was interrupted; {@code waitingFor} names the silent peer. */
  void check(String waitingFor) {
    if (interrupted.getAsBoolean() || Thread.currentThread().isInterrupted()) {
      throw new CollectiveException("interrupted " + during + " (the stage was cancelled)", false);
    }
    if (System.nanoTime() > end) {
      throw new CollectiveException("no answer from " + waitingFor + " within " + timeoutMillis / 1000.0
          + " s (collectiveTimeout) " + during, true);
    }
  }
}
