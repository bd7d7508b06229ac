package org.sparkbnn.jobs;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.function.LongSupplier;
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
 *
 * <p>The timed fits may be longer than the warm-up ones. Every fit is a Spark job, and launching one sets off
 * compilations of Spark's scheduling and serialisation code that go on for the first hundred-odd fits of a JVM, as
 * its methods pass the compilers' invocation thresholds a few fits at a time: on 2026-12-07 (2 vCPUs) the compilers
 * were busy 40-290 ms during each fit of 1,000 steps (0.5 s) from the 8th fit to the 14th, and the fits ran at
 * 1.68-2.38M rows/s in step with it, the compiler thread taking a vCPU from a task. A fit of many steps spreads
 * that burst as a user's fit does; the compilers' time during each timed fit is printed with it.
 */
final class SteadyFits<T> {
  static final int TIMED_FITS = 3;
  static final int MIN_WARM_UP_FITS = 5;
  static final int MAX_WARM_UP_FITS = 15;
  /** Two consecutive warm-up fits whose throughputs differ by at most this fraction: the fit is steady. */
  static final double STEADY = 0.05;
  /** Milliseconds this JVM's JIT compilers have spent so far (-1 where the JVM does not count them). */
  static final LongSupplier COMPILER_MILLIS = () -> {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
  };

  /** A timed fit and the JIT compilers' time while it ran. */
  private record Timed<T>(T fit, long compilerMillis) {}

  private final List<Timed<T>> fits;
  private final ToDoubleFunction<T> rowsPerSecond;
  private final int warmUpFits;

  private SteadyFits(List<Timed<T>> fits, ToDoubleFunction<T> rowsPerSecond, int warmUpFits) {
    this.fits = fits;
    this.rowsPerSecond = rowsPerSecond;
    this.warmUpFits = warmUpFits;
  }

  /**
   * Runs {@code warmUpFit} until steady, then times {@code timedFit} {@value #TIMED_FITS} times, noting the JIT
   * compilers' time ({@code compilerMillis}, a running total) during each.
   */
  static <T> SteadyFits<T> measure(Supplier<T> warmUpFit, Supplier<T> timedFit, ToDoubleFunction<T> rowsPerSecond,
                                   LongSupplier compilerMillis) {
    int warmUpFits = 0;
    double previous = 0;
    while (warmUpFits < MAX_WARM_UP_FITS) {
      double rate = rowsPerSecond.applyAsDouble(warmUpFit.get());
      warmUpFits++;
      if (warmUpFits >= MIN_WARM_UP_FITS && Math.abs(rate - previous) <= STEADY * previous) break;
      previous = rate;
    }
    List<Timed<T>> fits = new ArrayList<>();
    for (int i = 0; i < TIMED_FITS; i++) {
      long before = compilerMillis.getAsLong();
      T fit = timedFit.get();
      fits.add(new Timed<>(fit, before < 0 ? -1 : compilerMillis.getAsLong() - before));
    }
    fits.sort(Comparator.comparingDouble(t -> rowsPerSecond.applyAsDouble(t.fit())));
    return new SteadyFits<>(fits, rowsPerSecond, warmUpFits);
  }

  /** The timed fit of median throughput. */
  T median() {
    return fits.get(fits.size() / 2).fit();
  }

  /** How the median fit was measured, for its line. */
  String describe() {
    LongSummaryStatistics compiler = fits.stream().mapToLong(Timed::compilerMillis).summaryStatistics();
    return String.format("median of %d fits after %d untimed ones (slowest %,.0f rows/s, fastest %,.0f%s)",
        fits.size(), warmUpFits, rowsPerSecond.applyAsDouble(fits.get(0).fit()),
        rowsPerSecond.applyAsDouble(fits.get(fits.size() - 1).fit()), compiler.getMin() < 0 ? ""
            : String.format("; this JVM's JIT compilers busy %d-%d ms during each", compiler.getMin(),
                compiler.getMax()));
  }

  /** The median fit's throughput over the better of two baseline throughputs. */
  double ratio(double before, double after) {
    return rowsPerSecond.applyAsDouble(median()) / Math.max(before, after);
  }
}
