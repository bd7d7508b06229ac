package org.sparkbnn.bayes;

import org.apache.commons.math3.special.Erf;

/**
 * Monte-Carlo posterior predictive of the regression network. For Gaussian outputs (m_t, v_t) of the T weight
 * samples with weights w_t ({@link SampledNetworks#weight}, 1 but for an ensemble's; W = sum w_t): mean =
 * (1/W) sum w_t m_t, epistemic variance = (1/W) sum w_t (m_t - mean)^2, aleatoric variance = (1/W) sum w_t v_t;
 * the predictive variance is their sum (law of total variance). Accumulated per row in float64 with Welford's
 * (weighted, West 1979) update, so the epistemic part keeps its digits when it is small next to the mean.
 *
 * <p>The predictive itself is the mixture p(y | x) = (1/W) sum w_t N(y; m_t, v_t), the Monte-Carlo estimate of
 * the posterior predictive density (Blundell et al. 2015, sec. 3; the test log-likelihood of Gal and Ghahramani
 * 2016, eq. 8). Its log at a label is read off the same samples, with a running log-sum-exp per row, and so is its
 * CDF, (1/W) sum w_t Phi((y - m_t) / sqrt(v_t)), so a mixture that is skewed or heavy-tailed (an ensemble's
 * members, a per-row noise variance) is scored as it is rather than as N(mean, variance).
 */
public final class GaussianPredictive {
  private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
  private final SampledNetworks samples;
  private final boolean heteroscedastic;
  private float[] out = new float[0];

  public GaussianPredictive(SampledNetworks samples, Likelihood likelihood) {
    if (!(likelihood instanceof GaussianLikelihood)) {
      throw new IllegalArgumentException("a Gaussian predictive needs a Gaussian likelihood, the network has "
          + likelihood.getClass().getSimpleName());
    }
    this.samples = samples;
    this.heteroscedastic = ((GaussianLikelihood) likelihood).isHeteroscedastic();
  }

  public int numSamples() { return samples.size(); }

  /** Phi(z) = erfc(-z / sqrt 2) / 2: accurate in both tails, where 1 - Phi(-z) would lose the digits. */
  private static double normalCdf(double z) {
    return 0.5 * Erf.erfc(-z / Math.sqrt(2));
  }

  /**
   * Predictive moments of {@code rows} standardised rows x (rows x numInputs, row-major): returns rows x 3, row-major,
   * with mean, epistemic variance and aleatoric variance per row, in the standardised label space.
   */
  public double[] predict(float[] x, int rows) {
    return predict(x, rows, null, null, null);
  }

  /**
   * As {@link #predict(float[], int)}, and, for standardised labels {@code y} (one a row; or null for none), the
   * Monte-Carlo mixture's log density log p(y_r | x_r) into {@code logDensity} and its CDF P(Y <= y_r | x_r) into
   * {@code cdf} (either may be null, to skip it), in the standardised label space.
   */
  public double[] predict(float[] x, int rows, double[] y, double[] logDensity, double[] cdf) {
    int outputs = heteroscedastic ? 2 : 1;
    if (out.length < rows * outputs) out = new float[rows * outputs];
    double[] result = new double[rows * 3];
    samples.input(x, rows);
    // log sum_t w_t N(y; m_t, v_t) as peak[r] + log(scaled[r]): each term is divided by the largest so far.
    boolean densities = y != null && logDensity != null;
    boolean cdfs = y != null && cdf != null;
    double[] peak = densities ? new double[rows] : null;
    double[] scaled = densities ? new double[rows] : null;
    if (cdfs) java.util.Arrays.fill(cdf, 0, rows, 0.0);
    if (peak != null) java.util.Arrays.fill(peak, Double.NEGATIVE_INFINITY);
    double total = 0;
    for (int t = 0; t < samples.size(); t++) {
      samples.output(t, out);
      double homoscedasticNoise =
          heteroscedastic ? 0 : GaussianLikelihood.noiseVariance(samples.likelihoodParameters(t)[0]);
      double w = samples.weight(t);
      total += w;
      double step = w / total;
      double logW = Math.log(w);
      for (int r = 0; r < rows; r++) {
        double m = out[r * outputs];
        double v = heteroscedastic ? GaussianLikelihood.noiseVariance(out[r * outputs + 1]) : homoscedasticNoise;
        // Welford: mean += (w / W) (m - mean); M2 += w (m - mean_old)(m - mean_new).
        double delta = m - result[3 * r];
        result[3 * r] += delta * step;
        result[3 * r + 1] += w * delta * (m - result[3 * r]);
        result[3 * r + 2] += w * v;
        if (cdfs) cdf[r] += w * normalCdf((y[r] - m) / Math.sqrt(v));
        if (densities && w > 0) {
          double z = y[r] - m;
          double term = logW - 0.5 * (Math.log(v) + z * z / v);
          if (term > peak[r]) {
            scaled[r] = scaled[r] * Math.exp(peak[r] - term) + 1;
            peak[r] = term;
          } else {
            scaled[r] += Math.exp(term - peak[r]);
          }
        }
      }
    }
    double invW = 1.0 / total;
    for (int r = 0; r < rows; r++) {
      result[3 * r + 1] *= invW;
      result[3 * r + 2] *= invW;
      if (densities) logDensity[r] = peak[r] + Math.log(scaled[r]) - Math.log(total) - LOG_SQRT_2PI;
      if (cdfs) cdf[r] *= invW;
    }
    return result;
  }
}
