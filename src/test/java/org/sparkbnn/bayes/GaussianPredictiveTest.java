package org.sparkbnn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The log predictive density of {@link GaussianPredictive}, log (1/W) sum_t w_t N(y; m_t, v_t) of its weight
 * samples' Gaussians, and its CDF (1/W) sum_t w_t Phi((y - m_t) / sqrt(v_t)), per row, next to the moments it
 * already gave.
 */
class GaussianPredictiveTest {
  private static final int SAMPLES = 5;

  /**
   * Heteroscedastic samples: sample t gives row r the mean m = sin(r + t) and the log-variance s = 0.3 t - 0.5 - 0.1 r
   * (clipped far from these values).
   */
  private static SampledNetworks perRowNoise() {
    return new SampledNetworks() {
      private int rows;
      @Override public int size() { return SAMPLES; }
      @Override public void input(float[] x, int rows) { this.rows = rows; }
      @Override public void output(int t, float[] out) {
        for (int r = 0; r < rows; r++) {
          out[2 * r] = (float) Math.sin(r + t);
          out[2 * r + 1] = (float) (0.3 * t - 0.5 - 0.1 * r);
        }
      }
      @Override public float[] likelihoodParameters() { return new float[0]; }
    };
  }

  private static double gaussian(double y, double mean, double variance) {
    return Math.exp(-0.5 * (y - mean) * (y - mean) / variance) / Math.sqrt(2 * Math.PI * variance);
  }

  /** The mixture's density at y for row r of {@link #perRowNoise}, summed directly (its terms do not underflow). */
  private static double mixture(int r, double y) {
    double sum = 0;
    for (int t = 0; t < SAMPLES; t++) {
      sum += gaussian(y, (float) Math.sin(r + t), Math.exp((float) (0.3 * t - 0.5 - 0.1 * r))) / SAMPLES;
    }
    return sum;
  }

  @Test
  void logDensityIsTheLogOfTheSamplesMixtureAndTheMomentsAreUnchanged() {
    GaussianPredictive predictive = new GaussianPredictive(perRowNoise(), GaussianLikelihood.heteroscedastic());
    int rows = 4;
    double[] y = {0.2, -1.0, 2.5, 0.0};
    double[] logDensity = new double[rows];
    double[] moments = predictive.predict(new float[rows], rows, y, logDensity, null);
    for (int r = 0; r < rows; r++) assertEquals(Math.log(mixture(r, y[r])), logDensity[r], 1e-12, "row " + r);
    assertArrayEquals(predictive.predict(new float[rows], rows), moments, 0.0, "the moments do not depend on y");
  }

  /** The CDF is the mixture's, and the integral of the density: F(b) - F(a) = int_a^b p (the trapezoid rule). */
  @Test
  void theCdfIsTheMixturesAndTheDensitysIntegral() {
    GaussianPredictive predictive = new GaussianPredictive(perRowNoise(), GaussianLikelihood.heteroscedastic());
    org.apache.commons.math3.distribution.NormalDistribution normal =
        new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1);
    int rows = 3;
    double[] y = {0.2, -1.0, 2.5};
    double[] cdf = new double[rows];
    predictive.predict(new float[rows], rows, y, null, cdf);
    for (int r = 0; r < rows; r++) {
      double expected = 0;
      for (int t = 0; t < SAMPLES; t++) {
        double sd = Math.sqrt(Math.exp((float) (0.3 * t - 0.5 - 0.1 * r)));
        expected += normal.cumulativeProbability((y[r] - (float) Math.sin(r + t)) / sd) / SAMPLES;
      }
      assertEquals(expected, cdf[r], 1e-12, "row " + r);
    }
    double a = -1.5;
    double b = 0.7;
    int points = 22_001;
    double h = (b - a) / (points - 1);
    double integral = 0;
    double[] one = new double[1];
    for (int i = 0; i < points; i++) {
      predictive.predict(new float[1], 1, new double[] {a + i * h}, one, null);
      integral += (i == 0 || i == points - 1 ? 0.5 : 1) * Math.exp(one[0]) * h;
    }
    double[] ends = new double[2];
    predictive.predict(new float[1], 1, new double[] {a}, null, ends);
    double fa = ends[0];
    predictive.predict(new float[1], 1, new double[] {b}, null, ends);
    // The trapezoid rule's error on [a, b]: (b - a) h^2 max|p''| / 12 < 2.2 * 1e-8 * 1 / 12 ~ 2e-9.
    assertEquals(ends[0] - fa, integral, 1e-8);
  }

  /**
   * Far in the lower tail the CDF keeps its digits: Phi(-8) = 6.22096057427178e-16 (tables), where 1 - Phi(8) in
   * double would give 0 or a multiple of 1.1e-16.
   */
  @Test
  void theCdfKeepsItsDigitsInTheLowerTail() {
    SampledNetworks standard = new SampledNetworks() {
      @Override public int size() { return 1; }
      @Override public void input(float[] x, int rows) { }
      @Override public void output(int t, float[] out) { out[0] = 0; }
      @Override public float[] likelihoodParameters() { return new float[] {0}; }
    };
    double[] cdf = new double[1];
    new GaussianPredictive(standard, GaussianLikelihood.homoscedastic(1)).predict(new float[1], 1,
        new double[] {-8}, null, cdf);
    assertEquals(6.22096057427178e-16, cdf[0], 1e-9 * 6.22e-16);
  }

  /**
   * A density integrates to 1: the trapezoid rule over [-40, 40] in steps of 1e-3, on row 0. For a smooth density
   * that vanishes at both ends the rule's error is far below h^2 = 1e-6 (Euler-Maclaurin: the end terms vanish),
   * and with variances 0.6 to 2 the tails beyond |y| = 40 hold less than e^(-39^2 / 4) of the mass.
   */
  @Test
  void theDensityIntegratesToOne() {
    GaussianPredictive predictive = new GaussianPredictive(perRowNoise(), GaussianLikelihood.heteroscedastic());
    int points = 80_001;
    double h = 80.0 / (points - 1);
    float[] x = new float[points];
    double[] y = new double[points];
    for (int i = 0; i < points; i++) y[i] = -40 + i * h;
    double integral = 0;
    double[] one = new double[1];
    for (int i = 0; i < points; i++) {
      predictive.predict(x, 1, new double[] {y[i]}, one, null);
      integral += (i == 0 || i == points - 1 ? 0.5 : 1) * Math.exp(one[0]) * h;
    }
    assertEquals(1.0, integral, 1e-6);
  }

  /**
   * Far in the tail every term exp(-z^2 / 2) underflows to 0 in double, so a direct sum gives log 0 = -infinity;
   * the running log-sum-exp keeps the value: with one variance v, log p = logsumexp_t(-(y - m_t)^2 / (2 v))
   * - log T - log sqrt(2 pi v), computed here around its largest term.
   */
  @Test
  void farInTheTailTheLogDensityStaysFinite() {
    double logVariance = -1.0;
    SampledNetworks spread = new SampledNetworks() {
      @Override public int size() { return SAMPLES; }
      @Override public void input(float[] x, int rows) { }
      @Override public void output(int t, float[] out) { out[0] = t; }
      @Override public float[] likelihoodParameters() { return new float[] {(float) logVariance}; }
    };
    GaussianPredictive predictive = new GaussianPredictive(spread, GaussianLikelihood.homoscedastic(0.1));
    double v = GaussianLikelihood.noiseVariance((float) logVariance);
    double y = 100;
    double largest = -(y - 4) * (y - 4) / (2 * v);
    double rest = 0;
    for (int t = 0; t < SAMPLES; t++) rest += Math.exp(-(y - t) * (y - t) / (2 * v) - largest);
    double expected = largest + Math.log(rest) - Math.log(SAMPLES) - 0.5 * Math.log(2 * Math.PI * v);
    assertEquals(0.0, gaussian(y, 4, v), 0.0, "the direct sum underflows");
    double[] logDensity = new double[1];
    predictive.predict(new float[1], 1, new double[] {y}, logDensity, null);
    assertTrue(Double.isFinite(logDensity[0]));
    assertEquals(expected, logDensity[0], 1e-9 * Math.abs(expected));
  }

  /**
   * An ensemble's samples are weighted so that each member counts equally ({@link EnsembleSamples#weight}): 7 samples
   * over 3 members (3, 2 and 2 of them) whose every sample gives mean 10 k and log-variance k make the equal
   * mixture (1/3) sum_k N(y; 10 k, e^k), not the 3:2:2 one.
   */
  @Test
  void anEnsemblesMembersCountEquallyInTheDensity() {
    EnsembleSamples seven = new EnsembleSamples(3, 7, (k, n) -> new SampledNetworks() {
      @Override public int size() { return n; }
      @Override public void input(float[] x, int rows) { }
      @Override public void output(int t, float[] out) { out[0] = 10 * k; }
      @Override public float[] likelihoodParameters() { return new float[] {k}; }
    });
    GaussianPredictive predictive = new GaussianPredictive(seven, GaussianLikelihood.homoscedastic(0.1));
    for (double y : new double[] {0.5, 9, 21}) {
      double expected = 0;
      for (int k = 0; k < 3; k++) expected += gaussian(y, 10 * k, Math.exp(k)) / 3;
      double[] logDensity = new double[1];
      predictive.predict(new float[1], 1, new double[] {y}, logDensity, null);
      assertEquals(Math.log(expected), logDensity[0], 1e-12, "y = " + y);
    }
  }
}
