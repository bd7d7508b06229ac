package org.sparkbnn.ml.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussianPredictiveMetricsTest {

  /** Rows (y, mean, variance) = (1, 0, 1), (-2, 0, 1), (0.5, 0, 4), worked by hand. */
  @Test
  void handWorkedSmallCase() {
    GaussianPredictiveMetrics m = new GaussianPredictiveMetrics(0.9, new double[] {0.5})
        .add(1, 0, 1).add(-2, 0, 1).add(0.5, 0, 4);
    assertEquals(Math.sqrt((1 + 4 + 0.25) / 3), m.rmse(), 1e-12);
    double nll = (0.5 * Math.log(2 * Math.PI) + 0.5) + (0.5 * Math.log(2 * Math.PI) + 2)
        + (0.5 * Math.log(8 * Math.PI) + 0.25 / 8);
    assertEquals(nll / 3, m.nll(), 1e-12);
    // |z| = 1, 2, 0.25 against z_0.95 = 1.645: two of three inside; width 2 * 1.645 * (1 + 1 + 2) / 3.
    assertEquals(2 / 3.0, m.coverage(), 1e-12);
    assertEquals(2 * 1.6448536269514722 * 4 / 3, m.meanIntervalWidth(), 1e-9);
    // Below the median: only y = -2. (0.5 - 1/3)^2 over one level.
    assertEquals(Math.pow(0.5 - 1 / 3.0, 2), m.calibrationError(), 1e-12);
  }

  /** Closed-form Gaussian CRPS against a float64 quadrature of its definition, int (F(x) - 1[x >= y])^2 dx. */
  @Test
  void crpsMatchesNumericalIntegration() {
    double[][] cases = {{0.0, 0.0, 1.0}, {1.3, -0.2, 0.49}, {-4.0, 1.0, 2.25}};
    for (double[] c : cases) {
      double y = c[0];
      double mean = c[1];
      double sd = Math.sqrt(c[2]);
      org.apache.commons.math3.distribution.NormalDistribution f =
          new org.apache.commons.math3.distribution.NormalDistribution(mean, sd);
      double lo = Math.min(y, mean) - 12 * sd;
      double hi = Math.max(y, mean) + 12 * sd;
      // Midpoint rule on each side of the jump at x = y, where the integrand is smooth.
      double integral = 0;
      for (double[] side : new double[][] {{lo, y, 0}, {y, hi, 1}}) {
        int n = 200000;
        double h = (side[1] - side[0]) / n;
        for (int i = 0; i < n; i++) {
          double diff = f.cumulativeProbability(side[0] + (i + 0.5) * h) - side[2];
          integral += diff * diff * h;
        }
      }
      double closed = new GaussianPredictiveMetrics(0.9, new double[] {0.5}).add(y, mean, c[2]).crps();
      assertEquals(integral, closed, 1e-6, "y=" + y + " mean=" + mean + " var=" + c[2]);
    }
  }

  /**
   * Labels drawn from N(0, 1): the true predictive is calibrated (error ~ sampling noise, O(1/n)); reporting
   * sd/3 (over-confident) or 3 sd (under-confident) is not, and coverage moves the expected way.
   */
  @Test
  void calibrationSeparatesCalibratedOverAndUnderConfidentModels() {
    double[] levels = GaussianPredictiveMetrics.evenLevels(9);
    GaussianPredictiveMetrics calibrated = new GaussianPredictiveMetrics(0.9, levels);
    GaussianPredictiveMetrics overConfident = new GaussianPredictiveMetrics(0.9, levels);
    GaussianPredictiveMetrics underConfident = new GaussianPredictiveMetrics(0.9, levels);
    SplittableRandom rng = new SplittableRandom(3);
    int n = 20000;
    for (int i = 0; i < n; i++) {
      double y = rng.nextGaussian();
      calibrated.add(y, 0, 1);
      overConfident.add(y, 0, 1.0 / 9);
      underConfident.add(y, 0, 9);
    }
    // Each observed frequency has variance p(1-p)/n <= 1/(4n): expected squared error <= 1.25e-5 at n = 20000.
    assertTrue(calibrated.calibrationError() < 1e-4, "calibrated: " + calibrated.calibrationError());
    assertTrue(overConfident.calibrationError() > 0.01, "over-confident: " + overConfident.calibrationError());
    assertTrue(underConfident.calibrationError() > 0.01, "under-confident: " + underConfident.calibrationError());
    assertEquals(0.9, calibrated.coverage(), 3 * Math.sqrt(0.09 / n));
    assertTrue(overConfident.coverage() < 0.5 && underConfident.coverage() > 0.99);
    assertTrue(calibrated.nll() < overConfident.nll() && calibrated.nll() < underConfident.nll());
    assertTrue(calibrated.crps() < overConfident.crps() && calibrated.crps() < underConfident.crps());
  }
}
