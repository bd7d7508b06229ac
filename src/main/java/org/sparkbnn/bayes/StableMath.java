package org.sparkbnn.bayes;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Overflow-safe scalar and element-wise functions used by the posterior (sigma = softplus(rho)) and by the
 * mixture prior (log-sum-exp).
 */
public final class StableMath {
  private StableMath() {}

  /** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}): never overflows, exact for large |x|. */
  public static double softplus(double x) {
    return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /**
   * Whether the jdk.incubator.vector module is available (the JVM was started with
   * {@code --add-modules=jdk.incubator.vector}, as the launcher, the tests and Spark 4's executors do): then the
   * per-weight softplus runs on {@link VectorMath}.
   */
  public static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  /**
   * sigma = softplus(rho) and sigmoid(rho) for n values from {@code rho[offset..]} into {@code sigma[0..n)} and
   * {@code sigmoid[0..n)}, sharing one exp per value: with e = e^{-|x|}, softplus = max(x, 0) + log1p(e) and
   * sigmoid = 1/(1 + e) or e/(1 + e), so neither overflows.
   */
  public static void softplusAndSigmoid(double[] rho, int offset, int n, double[] sigma, double[] sigmoid) {
    int done = VECTOR_API ? VectorMath.softplusAndSigmoid(rho, offset, n, sigma, sigmoid) : 0;
    scalarSoftplusAndSigmoid(rho, offset, done, n, sigma, sigmoid);
  }

  /** As above for float32 parameters. */
  public static void softplusAndSigmoid(float[] rho, int offset, int n, float[] sigma, float[] sigmoid) {
    int done = VECTOR_API ? VectorMath.softplusAndSigmoid(rho, offset, n, sigma, sigmoid) : 0;
    for (int i = done; i < n; i++) {
      double x = rho[offset + i];
      double e = Math.exp(-Math.abs(x));
      sigma[i] = (float) (Math.max(x, 0.0) + Math.log1p(e));
      sigmoid[i] = (float) ((x >= 0 ? 1.0 : e) / (1 + e));
    }
  }

  /** The scalar loop for values from..n (the whole range when the Vector API is absent; tests compare both). */
  static void scalarSoftplusAndSigmoid(double[] rho, int offset, int from, int n, double[] sigma, double[] sigmoid) {
    for (int i = from; i < n; i++) {
      double x = rho[offset + i];
      double e = Math.exp(-Math.abs(x));
      sigma[i] = Math.max(x, 0.0) + Math.log1p(e);
      sigmoid[i] = (x >= 0 ? 1.0 : e) / (1 + e);
    }
  }

  /** Inverse of softplus: rho such that softplus(rho) = sigma (sigma > 0). */
  public static double inverseSoftplus(double sigma) {
    // log(e^s - 1) = s + log(1 - e^{-s}); the second form is stable for large s.
    return sigma > 20 ? sigma + Math.log1p(-Math.exp(-sigma)) : Math.log(Math.expm1(sigma));
  }

  /** sigmoid(x) = d softplus(x) / dx, evaluated without overflow on either side. */
  public static double sigmoid(double x) {
    if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
    double e = Math.exp(x);
    return e / (1.0 + e);
  }

  /** log(e^a + e^b) without overflow or underflow to -inf while either term is finite. */
  public static double logSumExp(double a, double b) {
    double m = Math.max(a, b);
    if (m == Double.NEGATIVE_INFINITY) return m;
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  }

  /** Element-wise softplus of an array (new array). */
  public static INDArray softplus(INDArray x) {
    INDArray negAbs = Transforms.abs(x, true).negi();
    return Transforms.log(Transforms.exp(negAbs, false).addi(1.0), false).addi(Transforms.relu(x, true));
  }

  /** Element-wise sigmoid (new array); ND4J's sigmoid saturates rather than overflowing. */
  public static INDArray sigmoid(INDArray x) {
    return Transforms.sigmoid(x, true);
  }
}
