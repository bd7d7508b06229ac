package org.sparkbnn.bayes;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Blundell et al. (2015), eq. 7: p(w) = pi N(w; 0, s1^2) + (1 - pi) N(w; 0, s2^2), with s1 > s2 and s2 << 1.
 * There is no closed-form KL against a Gaussian posterior, so the ELBO uses the Monte-Carlo estimate
 * log q(w) - log p(w) at the sampled weights (sec. 3.2).
 *
 * <p>The density is evaluated as a log-sum-exp of the two weighted log-densities: with s2 = e^-6 the narrow
 * component's density underflows to 0 for |w| > ~0.1 in float32 and the naive log(mixture) becomes -inf.
 */
public final class ScaleMixturePrior implements Prior {
  private static final long serialVersionUID = 1L;
  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  private final double pi;
  private final double sigma1;
  private final double sigma2;

  public ScaleMixturePrior(double pi, double sigma1, double sigma2) {
    if (!(pi > 0 && pi < 1)) throw new IllegalArgumentException("priorPi must be in (0, 1), got " + pi);
    if (!(sigma1 > 0) || Double.isInfinite(sigma1)) {
      throw new IllegalArgumentException("priorSigma1 must be a finite number > 0, got " + sigma1);
    }
    if (!(sigma2 > 0) || Double.isInfinite(sigma2)) {
      throw new IllegalArgumentException("priorSigma2 must be a finite number > 0, got " + sigma2);
    }
    this.pi = pi;
    this.sigma1 = sigma1;
    this.sigma2 = sigma2;
  }

  @Override public boolean hasClosedFormKl() { return false; }

  @Override
  public double closedFormKl(INDArray mu, INDArray sigma, INDArray gradMu, INDArray gradSigma) {
    throw new UnsupportedOperationException("the scale-mixture prior has no closed-form KL");
  }

  @Override
  public double closedFormKl(double[] mu, double[] sigma, int from, int to, double[] gradMu, double[] gradSigma) {
    throw new UnsupportedOperationException("the scale-mixture prior has no closed-form KL");
  }

  /**
   * With l_k = log pi_k - log s_k - log(2 pi)/2 - w^2/(2 s_k^2): log p(w) = logsumexp(l_1, l_2) and
   * d log p / dw = -w (r_1 / s1^2 + r_2 / s2^2), where r_k = softmax(l)_k are the responsibilities.
   */
  @Override
  public double logDensity(INDArray w, INDArray gradW) {
    INDArray w2 = w.mul(w);
    INDArray l1 = w2.mul(-0.5 / (sigma1 * sigma1)).addi(Math.log(pi) - Math.log(sigma1) - HALF_LOG_2PI);
    INDArray l2 = w2.mul(-0.5 / (sigma2 * sigma2)).addi(Math.log1p(-pi) - Math.log(sigma2) - HALF_LOG_2PI);
    INDArray max = Transforms.max(l1, l2, true);
    INDArray e1 = Transforms.exp(l1.subi(max), false);
    INDArray e2 = Transforms.exp(l2.subi(max), false);
    INDArray total = e1.add(e2);
    double logP = Transforms.log(total, true).addi(max).sumNumber().doubleValue();
    INDArray r1 = e1.divi(total);
    INDArray r2 = e2.divi(total);
    gradW.assign(r1.muli(1.0 / (sigma1 * sigma1)).addi(r2.muli(1.0 / (sigma2 * sigma2))).muli(w).negi());
    return logP;
  }

  @Override
  public double logDensity(double[] w, int n, double[] gradW) {
    double c1 = Math.log(pi) - Math.log(sigma1) - HALF_LOG_2PI;
    double c2 = Math.log1p(-pi) - Math.log(sigma2) - HALF_LOG_2PI;
    double p1 = 1.0 / (sigma1 * sigma1);
    double p2 = 1.0 / (sigma2 * sigma2);
    double logP = 0;
    for (int i = 0; i < n; i++) {
      double w2 = w[i] * w[i];
      double l1 = c1 - 0.5 * p1 * w2;
      double l2 = c2 - 0.5 * p2 * w2;
      double max = Math.max(l1, l2);
      double e1 = Math.exp(l1 - max);
      double e2 = Math.exp(l2 - max);
      double total = e1 + e2;
      logP += max + Math.log(total);
      gradW[i] = -w[i] * (e1 * p1 + e2 * p2) / total;
    }
    return logP;
  }
}
