package org.sparkbnn.bayes;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** p(w) = N(0, s^2) with the closed-form Gaussian KL (Blundell et al. 2015, sec. 3.3 uses it as the baseline). */
public final class GaussianPrior implements Prior {
  private static final long serialVersionUID = 1L;
  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  private final double sigma;

  public GaussianPrior(double sigma) {
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("priorSigma must be a finite number > 0, got " + sigma);
    }
    this.sigma = sigma;
  }

  @Override public boolean hasClosedFormKl() { return true; }

  /**
   * KL(N(mu, q^2) || N(0, s^2)) = log(s/q) + (q^2 + mu^2) / (2 s^2) - 1/2, so
   * dKL/dmu = mu / s^2 and dKL/dq = -1/q + q / s^2.
   */
  @Override
  public double closedFormKl(INDArray mu, INDArray q, INDArray gradMu, INDArray gradSigma) {
    double s2 = sigma * sigma;
    long n = mu.length();
    double sumLogQ = Transforms.log(q, true).sumNumber().doubleValue();
    double sumSquares = mu.mul(mu).addi(q.mul(q)).sumNumber().doubleValue();
    gradMu.addi(mu.div(s2));
    gradSigma.addi(q.div(s2).subi(Transforms.pow(q, -1, true)));
    return n * Math.log(sigma) - sumLogQ + sumSquares / (2 * s2) - 0.5 * n;
  }

  /** log N(w; 0, s^2) = -log(s) - log(2 pi)/2 - w^2 / (2 s^2); d/dw = -w / s^2. */
  @Override
  public double logDensity(INDArray w, INDArray gradW) {
    double s2 = sigma * sigma;
    gradW.assign(w.div(-s2));
    return -w.length() * (Math.log(sigma) + HALF_LOG_2PI) - w.mul(w).sumNumber().doubleValue() / (2 * s2);
  }

  @Override
  public double closedFormKl(double[] mu, double[] q, int from, int to, double[] gradMu, double[] gradSigma) {
    double s2 = sigma * sigma;
    int n = to - from;
    double sumLogQ = StableMath.sumOfLogs(q, from, to);
    // The gradient loop without the sum, which would keep the compiler from vectorising it; the sum in four
    // interleaved parts, so that each addition need not wait for the one before.
    for (int i = from; i < to; i++) {
      gradMu[i] += mu[i] / s2;
      gradSigma[i] += q[i] / s2 - 1 / q[i];
    }
    double part0 = 0;
    double part1 = 0;
    double part2 = 0;
    double part3 = 0;
    int i = from;
    for (; i + 4 <= to; i += 4) {
      part0 += mu[i] * mu[i] + q[i] * q[i];
      part1 += mu[i + 1] * mu[i + 1] + q[i + 1] * q[i + 1];
      part2 += mu[i + 2] * mu[i + 2] + q[i + 2] * q[i + 2];
      part3 += mu[i + 3] * mu[i + 3] + q[i + 3] * q[i + 3];
    }
    for (; i < to; i++) part0 += mu[i] * mu[i] + q[i] * q[i];
    double sumSquares = (part0 + part1) + (part2 + part3);
    return n * Math.log(sigma) - sumLogQ + sumSquares / (2 * s2) - 0.5 * n;
  }

  @Override
  public double logDensity(double[] w, int n, double[] gradW) {
    double s2 = sigma * sigma;
    double sumSquares = 0;
    for (int i = 0; i < n; i++) {
      sumSquares += w[i] * w[i];
      gradW[i] = -w[i] / s2;
    }
    return -n * (Math.log(sigma) + HALF_LOG_2PI) - sumSquares / (2 * s2);
  }
}
