package org.sparkbnn.bayes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class KlDivergenceTest {

  /**
   * The Monte-Carlo KL is unbiased: its mean is within 4 standard errors of the closed form. Each call sums
   * over R replicas of the same weights (one noise draw each), so a batch mean costs one vectorised call.
   */
  @Test
  void monteCarloKlMatchesClosedFormForGaussianPrior() {
    GaussianPrior prior = new GaussianPrior(0.7);
    double[] mu = {0.3, -1.2, 0.05, 2.0};
    double[] rho = {-1.0, 0.5, -3.0, 0.0};
    INDArray muA = Nd4j.createFromArray(mu);
    INDArray rhoA = Nd4j.createFromArray(rho);
    double exact = KlDivergence.closedForm(prior, muA, rhoA, muA.ulike(), rhoA.ulike());
    double[] stats = monteCarloMean(prior, mu, rho, 2000, 30);
    assertTrue(Math.abs(stats[0] - exact) < 4 * stats[1],
        "MC KL " + stats[0] + " +- " + stats[1] + " vs closed form " + exact);
  }

  /** Scale-mixture KL by Monte Carlo against a 1-D quadrature of q log(q/p) for single weights. */
  @Test
  void scaleMixtureMonteCarloKlMatchesQuadrature() {
    double pi = 0.25;
    double s1 = 1.0;
    double s2 = Math.exp(-6);
    ScaleMixturePrior prior = new ScaleMixturePrior(pi, s1, s2);
    for (double[] musigma : new double[][] {{0.1, 0.05}, {0.0, 0.01}, {-0.8, 0.3}}) {
      double mu = musigma[0];
      double sigma = musigma[1];
      double quadrature = 0;
      int n = 200000;
      double lo = mu - 10 * sigma;
      double h = 20 * sigma / n;
      for (int i = 0; i <= n; i++) {
        double w = lo + i * h;
        double logQ = -0.5 * Math.log(2 * Math.PI) - Math.log(sigma) - 0.5 * Math.pow((w - mu) / sigma, 2);
        double p = pi * Math.exp(-0.5 * w * w / (s1 * s1)) / (s1 * Math.sqrt(2 * Math.PI))
            + (1 - pi) * Math.exp(-0.5 * w * w / (s2 * s2)) / (s2 * Math.sqrt(2 * Math.PI));
        double weight = (i == 0 || i == n) ? 0.5 : 1.0;
        quadrature += weight * h * Math.exp(logQ) * (logQ - Math.log(p));
      }
      double[] stats = monteCarloMean(prior, new double[] {mu}, new double[] {StableMath.inverseSoftplus(sigma)},
          2000, 30);
      assertTrue(Math.abs(stats[0] - quadrature) < 4 * stats[1] + 1e-9,
          "mu " + mu + " sigma " + sigma + ": MC KL " + stats[0] + " +- " + stats[1] + " vs quadrature " + quadrature);
    }
  }

  /** Mean and standard error of the one-sample MC KL from {@code batches} batches of {@code replicas} draws. */
  private static double[] monteCarloMean(Prior prior, double[] mu, double[] rho, int replicas, int batches) {
    int d = mu.length;
    double[] muRep = new double[d * replicas];
    double[] rhoRep = new double[d * replicas];
    for (int r = 0; r < replicas; r++) {
      System.arraycopy(mu, 0, muRep, r * d, d);
      System.arraycopy(rho, 0, rhoRep, r * d, d);
    }
    INDArray muA = Nd4j.createFromArray(muRep);
    INDArray rhoA = Nd4j.createFromArray(rhoRep);
    double sum = 0;
    double sumSq = 0;
    for (int b = 0; b < batches; b++) {
      INDArray eps = GaussianNoise.standardNormal(GaussianNoise.streamKey(3, b), DataType.DOUBLE, d * replicas);
      double batchMean = KlDivergence.monteCarlo(prior, muA, rhoA, eps, muA.ulike(), rhoA.ulike()) / replicas;
      sum += batchMean;
      sumSq += batchMean * batchMean;
    }
    double mean = sum / batches;
    return new double[] {mean, Math.sqrt((sumSq / batches - mean * mean) / (batches - 1))};
  }

  /** With sigma2 = e^-6 a naive mixture density underflows in float32; log-sum-exp keeps it finite and exact. */
  @Test
  void scaleMixtureLogDensityIsFiniteFarInTheTails() {
    ScaleMixturePrior prior = new ScaleMixturePrior(0.5, 1.0, Math.exp(-6));
    INDArray w = Nd4j.createFromArray(5f, -30f, 0f);
    INDArray grad = w.ulike();
    double logP = prior.logDensity(w, grad);
    // For |w| >> sigma2 the wide component dominates: log p ~ log(0.5) + log N(w; 0, 1).
    double expected = 0;
    for (double v : new double[] {5, -30}) expected += Math.log(0.5) - 0.5 * Math.log(2 * Math.PI) - v * v / 2;
    double atZero = Math.log(0.5 / Math.sqrt(2 * Math.PI) + 0.5 / (Math.exp(-6) * Math.sqrt(2 * Math.PI)));
    assertEquals(expected + atZero, logP, 1e-3 * Math.abs(expected));
    assertTrue(Double.isFinite(grad.getDouble(0)) && Double.isFinite(grad.getDouble(1)));
    assertEquals(-5.0, grad.getDouble(0), 1e-4);
  }

  @Test
  void softplusIsStableAtExtremes() {
    assertEquals(1000.0, StableMath.softplus(1000.0), 1e-12);
    assertEquals(Math.exp(-1000.0), StableMath.softplus(-1000.0), 0.0);
    INDArray x = Nd4j.createFromArray(-200f, 0f, 200f);
    float[] s = StableMath.softplus(x).toFloatVector();
    assertEquals(0f, s[0], 1e-30f);
    assertEquals((float) Math.log(2), s[1], 1e-6f);
    assertEquals(200f, s[2], 1e-4f);
    assertEquals(0.3, StableMath.softplus(StableMath.inverseSoftplus(0.3)), 1e-12);
    assertEquals(50.0, StableMath.softplus(StableMath.inverseSoftplus(50.0)), 1e-9);
  }

  /** Blundell's pi_i = 2^(M-i) / (2^M - 1) sums to 1 over an epoch, so the weights w_i = M pi_i sum to M. */
  @Test
  void blundellKlWeightsSumToStepsWithoutOverflow() {
    for (long m : new long[] {1, 7, 1000, 1_000_000}) {
      double sum = 0;
      for (long i = 0; i < m; i++) {
        double w = KlWeighting.BLUNDELL.weight(i, m);
        assertTrue(Double.isFinite(w) && w >= 0, "weight " + w + " at step " + i + " of " + m);
        sum += w;
      }
      assertEquals(m, sum, 1e-9 * m, "sum of weights for M=" + m);
    }
    assertEquals(1.0, KlWeighting.UNIFORM.weight(3, 10), 0.0);
  }
}
