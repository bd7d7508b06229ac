package org.sparkbnn.jobs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The Spark stage's collective fit at its steady state, against the single-threaded in-process loop measured before
 * and after it. One timed fit after three untimed ones, as before, caught the stage still warming up: on 2026-12-06
 * (2 vCPUs) the first timed fit took 0.68 ms a step and the six after it 0.48-0.54, while the JIT compiler, sharing
 * the two vCPUs with the tasks, recompiled the training loop five times for the collective's gradient source after
 * the in-process runs (-XX:+PrintCompilation). So the stage is warmed up until two consecutive fits agree within
 * 5% (at least five fits), and the median of three timed fits is reported against the better of the two in-process
 * measurements. The fits are not interleaved with in-process runs: every switch of gradient source in the shared
 * loop costs the JIT another recompilation, which a user's fit (one source a JVM) never pays.
 */
final class SteadyFits<T> {
  static final int TIMED_FITS = 3;
  static final int MIN_WARM_UP_FITS = 5;
  static final int MAX_WARM_UP_FITS = 15;
  /** Two consecutive warm-up fits whose throughputs differ by at most this fraction: the fit is steady. */
  static final double STEADY = 0.05;

  private final List<T> fits;
  private final ToDoubleFunction<T> rowsPerSecond;
  private final int warmUpFits;

  private SteadyFits(List<T> fits, ToDoubleFunction<T> rowsPerSecond, int warmUpFits) {
    this.fits = fits;
    this.rowsPerSecond = rowsPerSecond;
    this.warmUpFits = warmUpFits;
  }

  /** Warms {@code fit} up until steady, then times it {@value #TIMED_FITS} times. */
  static <T> SteadyFits<T> measure(Supplier<T> fit, ToDoubleFunction<T> rowsPerSecond) {
    int warmUpFits = 0;
    double previous = 0;
    while (warmUpFits < MAX_WARM_UP_FITS) {
      double rate = rowsPerSecond.applyAsDouble(fit.get());
      warmUpFits++;
      if (warmUpFits >= MIN_WARM_UP_FITS && Math.abs(rate - previous) <= STEADY * previous) break;
      previous = rate;
    }
    List<T> fits = new ArrayList<>();
    for (int i = 0; i < TIMED_FITS; i++) fits.add(fit.get());
    fits.sort(Comparator.comparingDouble(rowsPerSecond));
    return new SteadyFits<>(fits, rowsPerSecond, warmUpFits);
  }

  /** The timed fit of median throughput. */
  T median() {
    return fits.get(fits.size() / 2);
  }

  /** How the median fit was measured, for its line. */
  String describe() {
    return String.format("median of %d fits after %d untimed ones (slowest %,.0f rows/s, fastest %,.0f)",
        fits.size(), warmUpFits, rowsPerSecond.applyAsDouble(fits.get(0)),
        rowsPerSecond.applyAsDouble(fits.get(fits.size() - 1)));
  }

  /** The median fit's throughput over the better of two baseline throughputs. */
  double ratio(double before, double after) {
    return rowsPerSecond.applyAsDouble(median()) / Math.max(before, after);
  }
}
