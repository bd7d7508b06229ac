package org.sparkbnn.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The benchmark's steady-state measurement of the Spark stage, on made-up throughputs (one per fit, in order). */
class SteadyFitsTest {
  /** A JVM that does not count its compilers' time. */
  private static final LongSupplier NO_COMPILER_CLOCK = () -> -1;

  /** Warm-up and timed fits from one sequence, as when both have the same length. */
  private static SteadyFits<Double> measure(Supplier<Double> fits) {
    return SteadyFits.measure(fits, fits, r -> r, NO_COMPILER_CLOCK);
  }

  private static Supplier<Double> fits(Double... rowsPerSecond) {
    Iterator<Double> next = List.of(rowsPerSecond).iterator();
    return next::next;
  }

  @Test
  void warmsUpUntilTwoConsecutiveFitsAgreeThenReportsTheMedianOfThree() {
    // Fits 4 and 5 agree within 5% (102 against 100): steady after five; the next three are timed.
    SteadyFits<Double> s = measure(fits(50.0, 80.0, 90.0, 100.0, 102.0, 120.0, 110.0, 130.0));
    assertEquals(120.0, s.median(), 0.0);
    assertEquals(120.0 / 60.0, s.ratio(40.0, 60.0), 1e-12, "against the better baseline");
    assertEquals("median of 3 fits after 5 untimed ones (slowest 110 rows/s, fastest 130)", s.describe());
  }

  @Test
  void agreementBeforeTheFifthFitDoesNotEndTheWarmUp() {
    // Fits 1-3 agree, 4 and 5 differ by 20%, 5 and 6 agree: six untimed fits.
    SteadyFits<Double> s = measure(fits(100.0, 100.0, 100.0, 150.0, 180.0, 182.0, 1.0, 2.0, 3.0));
    assertEquals(2.0, s.median(), 0.0);
  }

  @Test
  void aFitThatNeverSettlesIsTimedAfterFifteen() {
    Double[] alternating = new Double[SteadyFits.MAX_WARM_UP_FITS + SteadyFits.TIMED_FITS];
    for (int i = 0; i < SteadyFits.MAX_WARM_UP_FITS; i++) alternating[i] = i % 2 == 0 ? 100.0 : 200.0;
    for (int i = 0; i < SteadyFits.TIMED_FITS; i++) alternating[SteadyFits.MAX_WARM_UP_FITS + i] = 7.0 + i;
    SteadyFits<Double> s = measure(fits(alternating));
    assertEquals(8.0, s.median(), 0.0);
    assertEquals("median of 3 fits after 15 untimed ones (slowest 7 rows/s, fastest 9)", s.describe());
  }

  @Test
  void timesItsOwnFitsAndTheCompilersTimeDuringEach() {
    // The warm-up settles after five fits; the timed fits come from their own supplier. The compiler clock reads
    // 0, 40 (first timed fit), 40, 50 (second), 50, 300 (third): 40, 10 and 250 ms during the three.
    AtomicInteger reads = new AtomicInteger();
    long[] clock = {0, 40, 40, 50, 50, 300};
    SteadyFits<Double> s = SteadyFits.measure(fits(100.0, 100.0, 100.0, 100.0, 100.0), fits(30.0, 10.0, 20.0),
        r -> r, () -> clock[reads.getAndIncrement()]);
    assertEquals(20.0, s.median(), 0.0);
    assertEquals("median of 3 fits after 5 untimed ones (slowest 10 rows/s, fastest 30; this JVM's JIT compilers busy"
        + " 10-250 ms during each)", s.describe());
    assertEquals(6, reads.get(), "the clock is read before and after each timed fit only");
  }
}
