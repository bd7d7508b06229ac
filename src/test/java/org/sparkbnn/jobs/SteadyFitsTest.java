package org.sparkbnn.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The benchmark's steady-state measurement of the Spark stage, on made-up throughputs (one per fit, in order). */
class SteadyFitsTest {

  private static Supplier<Double> fits(Double... rowsPerSecond) {
    Iterator<Double> next = List.of(rowsPerSecond).iterator();
    return next::next;
  }

  @Test
  void warmsUpUntilTwoConsecutiveFitsAgreeThenReportsTheMedianOfThree() {
    // Fits 4 and 5 agree within 5% (102 against 100): steady after five; the next three are timed.
    SteadyFits<Double> s = SteadyFits.measure(fits(50.0, 80.0, 90.0, 100.0, 102.0, 120.0, 110.0, 130.0), r -> r);
    assertEquals(120.0, s.median(), 0.0);
    assertEquals(120.0 / 60.0, s.ratio(40.0, 60.0), 1e-12, "against the better baseline");
    assertEquals("median of 3 fits after 5 untimed ones (slowest 110 rows/s, fastest 130)", s.describe());
  }

  @Test
  void agreementBeforeTheFifthFitDoesNotEndTheWarmUp() {
    // Fits 1-3 agree, 4 and 5 differ by 20%, 5 and 6 agree: six untimed fits.
    SteadyFits<Double> s = SteadyFits.measure(fits(100.0, 100.0, 100.0, 150.0, 180.0, 182.0, 1.0, 2.0, 3.0), r -> r);
    assertEquals(2.0, s.median(), 0.0);
  }

  @Test
  void aFitThatNeverSettlesIsTimedAfterFifteen() {
    Double[] alternating = new Double[SteadyFits.MAX_WARM_UP_FITS + SteadyFits.TIMED_FITS];
    for (int i = 0; i < SteadyFits.MAX_WARM_UP_FITS; i++) alternating[i] = i % 2 == 0 ? 100.0 : 200.0;
    for (int i = 0; i < SteadyFits.TIMED_FITS; i++) alternating[SteadyFits.MAX_WARM_UP_FITS + i] = 7.0 + i;
    SteadyFits<Double> s = SteadyFits.measure(fits(alternating), r -> r);
    assertEquals(8.0, s.median(), 0.0);
    assertEquals("median of 3 fits after 15 untimed ones (slowest 7 rows/s, fastest 9)", s.describe());
  }
}
