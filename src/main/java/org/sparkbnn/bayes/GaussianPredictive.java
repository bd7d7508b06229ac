package org.sparkbnn.bayes;

/**
 * Monte-Carlo posterior predictive of the regression network. For Gaussian outputs (m_t, v_t) of the T weight
 * samples with weights w_t ({@link SampledNetworks#weight}, 1 but for an ensemble's; W = sum w_t): mean =
 * (1/W) sum w_t m_t, epistemic variance = (1/W) sum w_t (m_t - mean)^2, aleatoric variance = (1/W) sum w_t v_t;
 * the predictive variance is their sum (law of total variance). Accumulated per row in float64 with Welford's
 * (weighted, West 1979) update, so the epistemic part keeps its digits when it is small next to the mean.
 */
public final class GaussianPredictive {
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

  /**
   * Predictive moments of {@code rows} standardised rows x (rows x numInputs, row-major): returns rows x 3, row-major,
   * with mean, epistemic variance and aleatoric variance per row, in the standardised label space.
   */
  public double[] predict(float[] x, int rows) {
    int outputs = heteroscedastic ? 2 : 1;
    if (out.length < rows * outputs) out = new float[rows * outputs];
    double[] result = new double[rows * 3];
    samples.input(x, rows);
    double total = 0;
    for (int t = 0; t < samples.size(); t++) {
      samples.output(t, out);
      double homoscedasticNoise =
          heteroscedastic ? 0 : GaussianLikelihood.noiseVariance(samples.likelihoodParameters(t)[0]);
      double w = samples.weight(t);
      total += w;
      double step = w / total;
      for (int r = 0; r < rows; r++) {
        double m = out[r * outputs];
        // Welford: mean += (w / W) (m - mean); M2 += w (m - mean_old)(m - mean_new).
        double delta = m - result[3 * r];
        result[3 * r] += delta * step;
        result[3 * r + 1] += w * delta * (m - result[3 * r]);
        result[3 * r + 2] +=
            w * (heteroscedastic ? GaussianLikelihood.noiseVariance(out[r * outputs + 1]) : homoscedasticNoise);
      }
    }
    double invW = 1.0 / total;
    for (int r = 0; r < rows; r++) {
      result[3 * r + 1] *= invW;
      result[3 * r + 2] *= invW;
    }
    return result;
  }
}
