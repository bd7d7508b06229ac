package org.sparkbnn.ml.evaluation;

import java.io.Serializable;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Running sums of the metrics of a Gaussian predictive N(mean, variance) against observed labels, one row at a
 * time; partial sums from partitions are merged. Spark-free, so the formulas are tested on their own.
 */
public final class GaussianPredictiveMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);
  private static final double LOG_2PI = Math.log(2 * Math.PI);
  private static final double INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

  private final double intervalZ;
  private final double[] quantileLevels;
  private long count;
  private double squaredError;
  private double nll;
  private double crps;
  private long covered;
  private double intervalWidth;
  private final long[] belowQuantile;

  /**
   * @param intervalLevel mass of the central interval used for coverage and width
   * @param quantileLevels levels p in (0, 1) at which calibration is checked
   */
  public GaussianPredictiveMetrics(double intervalLevel, double[] quantileLevels) {
    this(quantileLevels, STANDARD_NORMAL.inverseCumulativeProbability(0.5 + intervalLevel / 2));
  }

  /**
   * For intervals mean -+ halfWidth sqrt(variance) that are not Gaussian ones (e.g. a calibrated model's,
   * {@code IntervalCalibration.halfWidth}); the other metrics still read the predictive as N(mean, variance).
   */
  public static GaussianPredictiveMetrics withIntervalHalfWidth(double halfWidth, double[] quantileLevels) {
    return new GaussianPredictiveMetrics(quantileLevels, halfWidth);
  }

  private GaussianPredictiveMetrics(double[] quantileLevels, double intervalHalfWidth) {
    this.intervalZ = intervalHalfWidth;
    this.quantileLevels = quantileLevels.clone();
    this.belowQuantile = new long[quantileLevels.length];
  }

  /** p_j = j / (m + 1), j = 1..m: m evenly spaced levels strictly inside (0, 1). */
  public static double[] evenLevels(int m) {
    double[] p = new double[m];
    for (int j = 0; j < m; j++) p[j] = (j + 1.0) / (m + 1);
    return p;
  }

  public GaussianPredictiveMetrics add(double label, double mean, double variance) {
    return add(label, mean, variance, Double.NaN, Double.NaN);
  }

  /**
   * A row whose predictive is not Gaussian: its log density and CDF at the label (e.g. a sampled mixture's) replace
   * those of N(mean, variance) in the NLL and the calibration error; NaN keeps the Gaussian's. RMSE, CRPS, coverage
   * and width still read N(mean, variance).
   */
  public GaussianPredictiveMetrics add(double label, double mean, double variance, double logDensity,
                                      double cdfAtLabel) {
    double sd = Math.sqrt(variance);
    double d = label - mean;
    double z = d / sd;
    double cdf = STANDARD_NORMAL.cumulativeProbability(z);
    count++;
    squaredError += d * d;
    nll += Double.isNaN(logDensity) ? 0.5 * (LOG_2PI + Math.log(variance)) + d * d / (2 * variance) : -logDensity;
    // Gneiting and Raftery (2007), eq. 21: CRPS(N(m, s^2), y) = s [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)].
    crps += sd * (z * (2 * cdf - 1) + 2 * STANDARD_NORMAL.density(z) - INV_SQRT_PI);
    if (Math.abs(z) <= intervalZ) covered++;
    intervalWidth += 2 * intervalZ * sd;
    // Kuleshov et al. (2018): y falls below the predictive p-quantile iff its PIT value F(y) <= p.
    double pit = Double.isNaN(cdfAtLabel) ? cdf : cdfAtLabel;
    for (int j = 0; j < quantileLevels.length; j++) {
      if (pit <= quantileLevels[j]) belowQuantile[j]++;
    }
    return this;
  }

  public GaussianPredictiveMetrics merge(GaussianPredictiveMetrics o) {
    count += o.count;
    squaredError += o.squaredError;
    nll += o.nll;
    crps += o.crps;
    covered += o.covered;
    intervalWidth += o.intervalWidth;
    for (int j = 0; j < belowQuantile.length; j++) belowQuantile[j] += o.belowQuantile[j];
    return this;
  }

  public long count() { return count; }
  public double rmse() { return Math.sqrt(squaredError / count); }
  /** Mean negative log predictive density. */
  public double nll() { return nll / count; }
  /** Mean continuous ranked probability score (label units; 0 is perfect). */
  public double crps() { return crps / count; }
  /** Fraction of labels inside the central interval. */
  public double coverage() { return covered / (double) count; }
  public double meanIntervalWidth() { return intervalWidth / count; }

  /** Mean over levels of (p_j - observed frequency of y below the p_j-quantile)^2. */
  public double calibrationError() {
    double sum = 0;
    for (int j = 0; j < quantileLevels.length; j++) {
      double observed = belowQuantile[j] / (double) count;
      sum += (quantileLevels[j] - observed) * (quantileLevels[j] - observed);
    }
    return sum / quantileLevels.length;
  }
}
