package org.sparkbnn.bayes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntervalCalibrationTest {

  /** Student-t with 3 degrees of freedom: heavy tails, variance 3. */
  private static double studentT3(SplittableRandom rng) {
    double chi2 = 0;
    for (int k = 0; k < 3; k++) {
      double g = rng.nextGaussian();
      chi2 += g * g;
    }
    return rng.nextGaussian() / Math.sqrt(chi2 / 3);
  }

  /**
   * Split conformal coverage: for a test residual exchangeable with the n held-out ones, the k-th smallest
   * normalised residual holds it with probability k / (n + 1) exactly (Lei et al. 2018), whatever their
   * distribution and however wrong the predicted variances are; the interpolated position (n + 1) L gives L up to
   * the interpolation's error (under 0.005 at n = 49: the two neighbours' probabilities differ by 1/50 and the
   * density between them is near linear). Over R = 4000 independent repetitions the observed frequency has
   * standard error sqrt(0.09 / 4000) = 0.0047; the band is 4 of those plus 0.005 either side. Gaussian intervals
   * from the (wrong) predicted variance cover P(|t3| < 1.645 * 2) = 0.955 here (t3's 97.5% point is 3.18).
   */
  @Test
  void heldOutQuantilesGiveTheConformalCoverageForHeavyTailedResiduals() {
    SplittableRandom rng = new SplittableRandom(11);
    int n = 49;
    int repetitions = 4000;
    int covered = 0;
    int gaussianCovered = 0;
    for (int rep = 0; rep < repetitions; rep++) {
      double[] residual = new double[n];
      double[] variance = new double[n];
      for (int i = 0; i < n; i++) {
        variance[i] = 4; // the model believes sd 2; t3 has sd sqrt(3) and heavy tails
        residual[i] = studentT3(rng);
      }
      IntervalCalibration c = IntervalCalibration.fit(residual, variance);
      double test = studentT3(rng);
      if (Math.abs(test) <= c.halfWidth(0.9) * 2) covered++;
      if (Math.abs(test) <= IntervalCalibration.NONE.halfWidth(0.9) * 2) gaussianCovered++;
    }
    double coverage = covered / (double) repetitions;
    double se = Math.sqrt(0.09 / repetitions);
    System.out.printf("conformal coverage %.4f, Gaussian %.4f%n", coverage, gaussianCovered / (double) repetitions);
    assertEquals(0.9, coverage, 4 * se + 0.005, "coverage");
    assertTrue(gaussianCovered / (double) repetitions > 0.9 + 4 * se + 0.005, "the control must miss the band");
  }

  /**
   * Residuals N(0, 4) against predicted variance 1: the calibrated half-width is the quantile of |z| for z ~ N(0, 4),
   * 2 * 1.645, up to sampling error: the 90% order statistic of n = 1000 values of |z| has standard error
   * sqrt(0.9 * 0.1 / n) / f(q), with f(q) = phi(q / 2) = phi(1.645) = 0.103 the density of |z| at q = 3.29: 0.092.
   * The tolerance is 4 of those.
   */
  @Test
  void halfWidthIsTheQuantileOfTheNormalisedResiduals() {
    SplittableRandom rng = new SplittableRandom(3);
    int n = 1000;
    double[] residual = new double[n];
    double[] variance = new double[n];
    Arrays.fill(variance, 1);
    for (int i = 0; i < n; i++) residual[i] = 2 * rng.nextGaussian();
    IntervalCalibration c = IntervalCalibration.fit(residual, variance);
    assertEquals(2 * 1.645, c.halfWidth(0.9), 4 * 0.092);
  }

  @Test
  void withoutCalibrationIntervalsAreGaussianAndHalfWidthsGrowWithTheLevel() {
    assertFalse(IntervalCalibration.NONE.isCalibrated());
    assertEquals(1.6448536, IntervalCalibration.NONE.halfWidth(0.9), 1e-6);
    assertEquals(1.9599640, IntervalCalibration.NONE.halfWidth(0.95), 1e-6);

    SplittableRandom rng = new SplittableRandom(5);
    double[] residual = new double[30];
    double[] variance = new double[30];
    for (int i = 0; i < 30; i++) {
      residual[i] = studentT3(rng);
      variance[i] = 0.5 + rng.nextDouble();
    }
    IntervalCalibration c = IntervalCalibration.fit(residual, variance);
    assertTrue(c.isCalibrated());
    double previous = 0;
    for (double level = 0.001; level < 0.9999; level += 0.001) {
      double q = c.halfWidth(level);
      assertTrue(Double.isFinite(q) && q >= previous - 1e-12, "half-width at " + level + ": " + q);
      previous = q;
    }
  }

  @Test
  void refusesWhatItCannotUse() {
    assertThrows(IllegalArgumentException.class, () -> new IntervalCalibration(new double[3]));
    double[] decreasing = new double[199];
    decreasing[0] = 1;
    assertThrows(IllegalArgumentException.class, () -> new IntervalCalibration(decreasing));
    assertThrows(IllegalArgumentException.class, () -> IntervalCalibration.fit(new double[0], new double[0]));
    assertThrows(IllegalArgumentException.class, () -> IntervalCalibration.fit(new double[] {1}, new double[] {0}));
  }
}
