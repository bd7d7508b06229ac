package org.sparkbnn.bayes;

/**
 * Monte-Carlo posterior predictive of the regression network. For Gaussian outputs (m_t, v_t) of the T weight
 * samples: mean = (1/T) sum m_t, epistemic variance = (1/T) sum (m_t - mean)^2, aleatoric variance =
 * (1/T) sum v_t; the predictive variance is their sum (law of total variance). Accumulated per row in float64
 * with Welford's update, so the epistemic part keeps its digits when it is small next to the mean.
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
    for (int t = 0; t < samples.size(); t++) {
      samples.output(t, out);
      double homoscedasticNoise =
          heteroscedastic ? 0 : GaussianLikelihood.noiseVariance(samples.likelihoodParameters(t)[0]);
      double weight = 1.0 / (t + 1);
      for (int r = 0; r < rows; r++) {
        double m = out[r * outputs];
        // Welford: mean += (m - mean) / (t + 1); M2 += (m - mean_old)(m - mean_new).
        double delta = m - result[3 * r];
        result[3 * r] += delta * weight;
        result[3 * r + 1] += delta * (m - result[3 * r]);
        result[3 * r + 2] +=
            heteroscedastic ? GaussianLikelihood.noiseVariance(out[r * outputs + 1]) : homoscedasticNoise;
      }
    }
    double invT = 1.0 / samples.size();
    for (int r = 0; r < rows; r++) {
      result[3 * r + 1] *= invT;
      result[3 * r + 2] *= invT;
    }
    return result;
  }
}
