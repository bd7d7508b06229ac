package org.sparkbnn.bayes;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * A regression model's central intervals, calibrated on rows it was not fitted to.
 *
 * <p>Why: with a learned homoscedastic noise, the ELBO's optimal noise variance is the mean squared residual of
 * the <em>sampled</em> networks on the training rows, so it already holds the variance of the sampled means,
 * which the predictive variance adds again; and real residuals are often heavier-tailed than a Gaussian. On public
 * data the Gaussian 90% intervals mean -+ 1.645 sd covered 89-98% of held-out rows.
 *
 * <p>What: split conformal prediction with the residual normalised by the predicted sd (Vovk et al. 2005; Lei et
 * al. 2018, section 5.2). From n held-out rows' u_i = |y_i - mean_i| / sd_i, sorted, the interval at level L is
 * mean -+ q_L sd with q_L the order statistic at (1-based) position (n + 1) L, interpolated linearly between its
 * neighbours. For a new row exchangeable with the held-out ones, u_(k) holds it with probability k / (n + 1)
 * exactly, so the interpolated q_L holds it with probability L (to within the interpolation's error); using the
 * next order statistic up would guarantee at least L but cover up to L + 1 / (n + 1), 2% too much at n = 45. Positions
 * beyond u_(n) continue with the Gaussian tail ratio. Quantiles are stored at the levels 0.005, 0.010, ..., 0.995
 * and interpolated between them. The predictive mean and variance themselves are not changed.
 */
public final class IntervalCalibration implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);
  /** Number of stored levels: (k + 1) / 200 for k = 0..198. */
  static final int LEVELS = 199;

  /** No calibration: the Gaussian intervals mean -+ z_L sd. */
  public static final IntervalCalibration NONE = new IntervalCalibration(null);

  /** q at level (k + 1) / 200, non-decreasing; null for the Gaussian quantiles. */
  private final double[] quantiles;

  public IntervalCalibration(double[] quantiles) {
    if (quantiles != null && quantiles.length != LEVELS) {
      throw new IllegalArgumentException(LEVELS + " quantiles expected, got " + quantiles.length);
    }
    if (quantiles != null) {
      for (int k = 0; k < LEVELS; k++) {
        if (!(quantiles[k] >= 0) || !Double.isFinite(quantiles[k]) || (k > 0 && quantiles[k] < quantiles[k - 1])) {
          throw new IllegalArgumentException("interval quantiles must be finite, >= 0 and non-decreasing");
        }
      }
    }
    this.quantiles = quantiles == null ? null : quantiles.clone();
  }

  /** From held-out residuals (label - predictive mean) and their predictive variances (finite, > 0). */
  public static IntervalCalibration fit(double[] residual, double[] variance) {
    int n = residual.length;
    if (n == 0 || variance.length != n) throw new IllegalArgumentException("need residuals and variances alike");
    double[] u = new double[n];
    for (int i = 0; i < n; i++) {
      u[i] = Math.abs(residual[i]) / Math.sqrt(variance[i]);
      if (!Double.isFinite(u[i])) {
        throw new IllegalArgumentException("held-out row " + i + ": residual " + residual[i] + " with predictive"
            + " variance " + variance[i] + " gives no finite normalised residual");
      }
    }
    Arrays.sort(u);
    double[] q = new double[LEVELS];
    for (int k = 0; k < LEVELS; k++) {
      double level = (k + 1) / 200.0;
      double position = (n + 1) * level; // 1-based
      if (position <= 1) {
        q[k] = u[0] * position; // between 0 (position 0) and the smallest
      } else if (position <= n) {
        int below = (int) Math.floor(position);
        double f = position - below;
        q[k] = below == n ? u[n - 1] : u[below - 1] * (1 - f) + u[below] * f;
      } else {
        // Beyond the largest held-out value: its level n / (n + 1), extended with the Gaussian tail ratio.
        q[k] = u[n - 1] * gaussian(level) / gaussian(n / (n + 1.0));
      }
    }
    for (int k = 1; k < LEVELS; k++) q[k] = Math.max(q[k], q[k - 1]);
    return new IntervalCalibration(q);
  }

  public boolean isCalibrated() { return quantiles != null; }

  /** The stored quantiles (199 levels, 0.005 apart), or null for none. */
  public double[] quantiles() { return quantiles == null ? null : quantiles.clone(); }

  /** q_L: the central interval at {@code level} (in (0, 1)) is mean -+ q_L sd; uncalibrated, the Gaussian z_L. */
  public double halfWidth(double level) {
    if (quantiles == null) return gaussian(level);
    double position = level * 200 - 1; // index into the stored levels, fractional
    if (position >= LEVELS - 1) return quantiles[LEVELS - 1] * gaussian(level) / gaussian(0.995);
    if (position <= 0) return quantiles[0] * Math.max(0, level) / 0.005;
    int k = (int) Math.floor(position);
    double f = position - k;
    return quantiles[k] * (1 - f) + quantiles[k + 1] * f;
  }

  /** The standard normal quantile of a central interval: Phi^-1((1 + level) / 2). */
  private static double gaussian(double level) {
    return STANDARD_NORMAL.inverseCumulativeProbability(0.5 + level / 2);
  }
}
