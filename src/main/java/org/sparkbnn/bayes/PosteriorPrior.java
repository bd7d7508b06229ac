package org.sparkbnn.bayes;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A previous fit's mean-field posterior used as this fit's prior: p(w) = prod_i N(w_i; m_i, s_i^2), one Gaussian
 * per weight. Recursive Bayes, p(w | A, B) ∝ p(B | w) p(w | A), with p(w | A) replaced by its variational
 * approximation q_A: the ELBO of the update is E_q[log p(B | w)] - KL(q || q_A) (variational continual learning,
 * Nguyen et al. 2018, eq. 4). The KL between two diagonal Gaussians has a closed form, so both gradient
 * estimators can use it.
 */
public final class PosteriorPrior implements Prior {
  private static final long serialVersionUID = 1L;
  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  private final double[] mean;
  private final double[] sigma;
  /** sum_i log s_i, a constant of log p (the Monte-Carlo KL's; the closed form sums its blocks' own). */
  private final double sumLogSigma;

  /** The prior N(mean_i, sigma_i^2) for each of the first {@code mean.length} weights. */
  public PosteriorPrior(double[] mean, double[] sigma) {
    if (mean.length != sigma.length) {
      throw new IllegalArgumentException("prior means and standard deviations differ in length: " + mean.length
          + " vs " + sigma.length);
    }
    double logSum = 0;
    for (int i = 0; i < mean.length; i++) {
      if (!Double.isFinite(mean[i]) || !(sigma[i] > 0) || Double.isInfinite(sigma[i])) {
        throw new IllegalArgumentException("the initial model's posterior is not a valid prior at weight " + i
            + ": mean " + mean[i] + ", standard deviation " + sigma[i]);
      }
      logSum += Math.log(sigma[i]);
    }
    this.mean = mean.clone();
    this.sigma = sigma.clone();
    this.sumLogSigma = logSum;
  }

  /** The posterior of flat parameters {@code theta} (layout: {@link NetworkArchitecture}) as a prior. */
  public static PosteriorPrior of(NetworkArchitecture architecture, double[] theta) {
    int n = architecture.numWeights();
    double[] mean = new double[n];
    double[] sigma = new double[n];
    for (int i = 0; i < n; i++) {
      mean[i] = theta[architecture.muOffset() + i];
      sigma[i] = StableMath.softplus(theta[architecture.rhoOffset() + i]);
    }
    return new PosteriorPrior(mean, sigma);
  }

  @Override public boolean hasClosedFormKl() { return true; }

  @Override public int numWeights() { return mean.length; }

  /**
   * KL(N(mu, q^2) || N(m, s^2)) = log(s/q) + (q^2 + (mu - m)^2) / (2 s^2) - 1/2 per weight, so
   * dKL/dmu = (mu - m) / s^2 and dKL/dq = q / s^2 - 1/q.
   */
  @Override
  public double closedFormKl(double[] mu, double[] q, int from, int to, double[] gradMu, double[] gradSigma) {
    if (from < 0 || to > mean.length) {
      throw new IllegalArgumentException("the prior has " + mean.length + " weights, asked for " + from + ".." + to);
    }
    double kl = StableMath.sumOfLogs(sigma, from, to) - 0.5 * (to - from) - StableMath.sumOfLogs(q, from, to);
    for (int i = from; i < to; i++) {
      double s2 = sigma[i] * sigma[i];
      double d = mu[i] - mean[i];
      kl += (q[i] * q[i] + d * d) / (2 * s2);
      gradMu[i] += d / s2;
      gradSigma[i] += q[i] / s2 - 1 / q[i];
    }
    return kl;
  }

  /** log N(w; m, s^2) = -log s - log(2 pi)/2 - (w - m)^2 / (2 s^2) per weight; d/dw = -(w - m) / s^2. */
  @Override
  public double logDensity(double[] w, int n, double[] gradW) {
    checkLength(n);
    double logP = -sumLogSigma - HALF_LOG_2PI * n;
    for (int i = 0; i < n; i++) {
      double s2 = sigma[i] * sigma[i];
      double d = w[i] - mean[i];
      logP -= d * d / (2 * s2);
      gradW[i] = -d / s2;
    }
    return logP;
  }

  // The INDArray forms (the ND4J kernel's reference path) delegate to the array forms in float64.

  @Override
  public double closedFormKl(INDArray mu, INDArray q, INDArray gradMu, INDArray gradSigma) {
    int n = (int) mu.length();
    double[] gMu = new double[n];
    double[] gSigma = new double[n];
    checkLength(n);
    double kl = closedFormKl(mu.toDoubleVector(), q.toDoubleVector(), 0, n, gMu, gSigma);
    gradMu.addi(Nd4j.createFromArray(gMu).castTo(gradMu.dataType()).reshape(gradMu.shape()));
    gradSigma.addi(Nd4j.createFromArray(gSigma).castTo(gradSigma.dataType()).reshape(gradSigma.shape()));
    return kl;
  }

  @Override
  public double logDensity(INDArray w, INDArray gradW) {
    int n = (int) w.length();
    double[] g = new double[n];
    double logP = logDensity(w.toDoubleVector(), n, g);
    gradW.assign(Nd4j.createFromArray(g).castTo(gradW.dataType()).reshape(gradW.shape()));
    return logP;
  }

  private void checkLength(int n) {
    if (n != mean.length) {
      throw new IllegalArgumentException("the prior has " + mean.length + " weights, the network " + n);
    }
  }
}
