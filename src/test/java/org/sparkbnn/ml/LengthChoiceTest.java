package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The test that decides whether a longer fit beat a shorter one on the held-out rows. */
class LengthChoiceTest {

  private static LengthChoice.Scored rows(double... logLikelihoods) {
    return () -> logLikelihoods.clone();
  }

  /**
   * Paired differences 0.1 +- s over 100 rows have standard error s / sqrt(100) (sample sd ~ s): with s = 0.3 the
   * mean 0.1 is 3.3 standard errors (clearly better), with s = 0.6 it is 1.7 (not).
   */
  @Test
  void aGainCountsOnlyWhenItExceedsTwiceItsStandardError() {
    double[] base = new double[100];
    double[] small = new double[100];
    double[] large = new double[100];
    for (int i = 0; i < 100; i++) {
      base[i] = -1 - 0.01 * i;
      small[i] = base[i] + 0.1 + (i % 2 == 0 ? 0.3 : -0.3);
      large[i] = base[i] + 0.1 + (i % 2 == 0 ? 0.6 : -0.6);
    }
    assertTrue(LengthChoice.clearlyBetter(rows(small), rows(base)));
    assertFalse(LengthChoice.clearlyBetter(rows(large), rows(base)));
    assertFalse(LengthChoice.clearlyBetter(rows(base), rows(small)), "a loss is never a gain");
    assertFalse(LengthChoice.clearlyBetter(rows(base), rows(base)), "equal lengths");
    assertFalse(LengthChoice.clearlyBetter(rows(1.0), rows(0.0)), "one row has no standard error");
  }

  /**
   * 2,000 rows whose differences are 0.008 +- 0.05: 16 standard errors (0.0011 each), but under the least gain that
   * counts, 0.01 nats a row; 0.012 +- 0.05 passes both.
   */
  @Test
  void aResolvedGainBelowTheLeastGainDoesNotCount() {
    double[] base = new double[2000];
    double[] tiny = new double[2000];
    double[] enough = new double[2000];
    for (int i = 0; i < 2000; i++) {
      base[i] = -1 - 0.001 * i;
      tiny[i] = base[i] + 0.008 + (i % 2 == 0 ? 0.05 : -0.05);
      enough[i] = base[i] + 0.012 + (i % 2 == 0 ? 0.05 : -0.05);
    }
    assertFalse(LengthChoice.clearlyBetter(rows(tiny), rows(base)));
    assertTrue(LengthChoice.clearlyBetter(rows(enough), rows(base)));
  }

  /**
   * Two equally good lengths: per-row differences N(0, 1) over 50 rows. The mean exceeds twice its estimated
   * standard error with probability P(t_49 > 2) = 0.0255; over 4,000 trials the rate has standard deviation
   * sqrt(0.0255 * 0.9745 / 4000) = 0.0025, so it lies in [0.015, 0.036] (over 4 sd) unless the test is wrong.
   */
  @Test
  void equallyGoodLengthsPassAboutOneTimeInForty() {
    SplittableRandom random = new SplittableRandom(3);
    int passed = 0;
    int trials = 4000;
    for (int t = 0; t < trials; t++) {
      double[] a = new double[50];
      double[] b = new double[50];
      for (int i = 0; i < 50; i++) {
        b[i] = -random.nextDouble() * 3;
        a[i] = b[i] + random.nextGaussian();
      }
      if (LengthChoice.clearlyBetter(rows(a), rows(b))) passed++;
    }
    double rate = passed / (double) trials;
    assertTrue(rate > 0.015 && rate < 0.036, "false gains: " + rate);
  }

  @Test
  void theScoreIsTheMeanOverTheRows() {
    assertEquals(-2.0, rows(-1, -2, -3).logLikelihood(), 1e-15);
  }
}
