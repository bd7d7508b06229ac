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
   * per-weight softplus runs on {@link VectorMath}, with the same result bit for bit. Every class with vector code
   * reads this first, so its operator tables are filled ({@link VectorOperatorTables}) before that code runs.
   */
  public static final boolean VECTOR_API = vectorApi();

  private static boolean vectorApi() {
    boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    if (present) VectorOperatorTables.fill();
    return present;
  }

  // exp(y) = 2^k exp(r), k = round(y / ln 2), r = y - k ln 2 split in two parts (Cody and Waite; fdlibm's constants).
  static final double INV_LN2 = 1.4426950408889634;
  static final double LN2_HI = 6.93147180369123816490e-01;
  static final double LN2_LO = 1.90821492927058770002e-10;
  /** Adding and subtracting 1.5 * 2^52 rounds a double of magnitude below 2^51 to the nearest integer. */
  static final double ROUND = 0x1.8p52;
  /**
   * Below this, e^y is taken as 0 (as Math.exp underflows to 0 below -745): sigma = softplus(rho) is then 0, and the
   * KL term's log(sigma) makes a diverging fit fail with an error naming the step, as it should. Above it 2^k is
   * a normal double, which the exponent-bit construction needs.
   */
  static final double EXP_FLOOR = -708;
  /** 1/j! for j = 0..13: Taylor series of exp on |r| <= ln(2)/2, truncation error below 4e-18. */
  static final double[] EXP_TAYLOR = new double[14];
  /** 1/(2j + 1) for j = 0..17: log1p(e) = 2 s sum z^j / (2j + 1), s = e / (2 + e) <= 1/3, z = s^2 <= 1/9. */
  static final double[] ATANH_SERIES = new double[18];

  static {
    double factorial = 1;
    for (int j = 0; j < EXP_TAYLOR.length; j++) {
      if (j > 0) factorial *= j;
      EXP_TAYLOR[j] = 1 / factorial;
    }
    for (int j = 0; j < ATANH_SERIES.length; j++) ATANH_SERIES[j] = 1.0 / (2 * j + 1);
  }

  /**
   * sigma = softplus(rho) and sigmoid(rho) for n values from {@code rho[offset..]} into {@code sigma[0..n)} and
   * {@code sigmoid[0..n)}, sharing one exponential per value: with e = e^{-|x|}, softplus = max(x, 0) + log1p(e) and
   * sigmoid = 1/(1 + e) or e/(1 + e), so neither overflows. e and log1p(e) are evaluated with additions,
   * multiplications and divisions only (range reduction and two series, accurate to ~2 ulp), so the scalar loop
   * here and the Vector API's lanes ({@link VectorMath}) compute the same IEEE operations in the same order and give
   * the same bits: a model does not depend on whether a JVM has the Vector API. (The JDK's vectorised exp and log1p
   * differ from Math's in the last bit, which made a local-cluster fit differ from local mode.)
   */
  public static void softplusAndSigmoid(double[] rho, int offset, int n, double[] sigma, double[] sigmoid) {
    softplusAndSigmoid(rho, offset, 0, n, sigma, sigmoid);
  }

  /** As above for the values from..to only (sigma[i] and sigmoid[i] of rho[offset + i]): the same bits per value. */
  public static void softplusAndSigmoid(double[] rho, int offset, int from, int to, double[] sigma,
                                        double[] sigmoid) {
    int done = VECTOR_API ? VectorMath.softplusAndSigmoid(rho, offset, from, to, sigma, sigmoid) : from;
    scalarSoftplusAndSigmoid(rho, offset, done, to, sigma, sigmoid);
  }

  // The float32 twin of the constants above: ln 2 split so that k * LN2_HI_F is exact for |k| < 256.
  static final float INV_LN2_F = 1.44269504f;
  static final float LN2_HI_F = 0.693145751953125f;
  static final float LN2_LO_F = 1.42860677e-6f;
  /** Adding and subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to the nearest integer. */
  static final float ROUND_F = 0x1.8p23f;
  /**
   * Below this e^y is taken as 0 (the float64 loop's floor is -708); above it k = round(y / ln 2) >= -124 and e and
   * e / (2 + e) are normal floats: arithmetic on subnormal floats costs x86 a microcode assist of ~100 cycles each.
   */
  static final float EXP_FLOOR_F = -86f;
  /**
   * The series' argument z = s^2 is formed from max(s, this): below it z would be subnormal (slow, above), and the
   * series is then 1 exactly anyway (1 + z/3 rounds to 1 for z < 2^-24), so the result is the same.
   */
  static final float SERIES_FLOOR_F = 0x1p-20f;
  /** 1/j! for j = 0..7: Taylor series of exp on |r| <= ln(2)/2, truncation error below 6e-9 (float's ulp at 1: 1.2e-7). */
  static final float[] EXP_TAYLOR_F = new float[8];
  /** 1/(2j + 1) for j = 0..6: the log1p series truncated below 2e-8 (z <= 1/9, as above). */
  static final float[] ATANH_SERIES_F = new float[7];
  /** 2^j and 2^-2^j for j = 0..6: the bits of -k and their factors of 2^k. */
  static final float[] BIT_F = new float[7];
  static final float[] INVERSE_POWER_F = new float[7];

  static {
    for (int j = 0; j < EXP_TAYLOR_F.length; j++) EXP_TAYLOR_F[j] = (float) EXP_TAYLOR[j];
    for (int j = 0; j < ATANH_SERIES_F.length; j++) ATANH_SERIES_F[j] = (float) ATANH_SERIES[j];
    for (int j = 0; j < BIT_F.length; j++) {
      BIT_F[j] = 1 << j;
      INVERSE_POWER_F[j] = Math.scalb(1f, -(1 << j));
    }
  }

  /**
   * As above for float32 parameters, in float32 arithmetic: the same range reduction and series with float's
   * constants and the shorter series float's precision needs (a few ulp from the float64 values rounded; tested).
   * This runs once per training step for every weight, in every task: in float64 with the conversions it took a
   * sixth of a 512-row share's time for the benchmark's network.
   */
  public static void softplusAndSigmoid(float[] rho, int offset, int n, float[] sigma, float[] sigmoid) {
    int done = VECTOR_API ? VectorMath.softplusAndSigmoid(rho, offset, n, sigma, sigmoid) : 0;
    scalarSoftplusAndSigmoid(rho, offset, done, n, sigma, sigmoid);
  }

  /** The float32 scalar loop for values from..n (the whole range when the Vector API is absent; tests compare both). */
  static void scalarSoftplusAndSigmoid(float[] rho, int offset, int from, int n, float[] sigma, float[] sigmoid) {
    for (int i = from; i < n; i++) {
      float x = rho[offset + i];
      float y = Math.max(-Math.abs(x), EXP_FLOOR_F);
      float shifted = y * INV_LN2_F + ROUND_F;
      float k = shifted - ROUND_F;
      float r = (y - k * LN2_HI_F) - k * LN2_LO_F;
      float p = EXP_TAYLOR_F[EXP_TAYLOR_F.length - 1];
      for (int j = EXP_TAYLOR_F.length - 2; j >= 0; j--) p = p * r + EXP_TAYLOR_F[j];
      // 2^k, k in -124..0, as the product of 2^-2^j over the set bits j of -k: exact (powers of two, all normal).
      // Not from the bits of `shifted` as in the float64 loop: the Gaussian noise's vector code is the only other
      // user of the Vector API's int operations, and when this loop made them hot first, C2 compiled them on their
      // own; their class-check traps then passed the noise loops' trap limit and the noise ran boxed, 7-11x slower.
      float m = -k;
      float twoToK = 1f;
      for (int j = 6; j >= 0; j--) {
        if (m >= BIT_F[j]) {
          twoToK *= INVERSE_POWER_F[j];
          m -= BIT_F[j];
        }
      }
      float e = -Math.abs(x) < EXP_FLOOR_F ? 0f : p * twoToK;
      float s = e / (2 + e);
      float floored = Math.max(s, SERIES_FLOOR_F);
      float z = floored * floored;
      float q = ATANH_SERIES_F[ATANH_SERIES_F.length - 1];
      for (int j = ATANH_SERIES_F.length - 2; j >= 0; j--) q = q * z + ATANH_SERIES_F[j];
      sigma[i] = Math.max(x, 0f) + 2 * s * q;
      sigmoid[i] = (x < 0 ? e : 1f) / (1 + e);
    }
  }

  /** The scalar loop for values from..n (the whole range when the Vector API is absent; tests compare both). */
  static void scalarSoftplusAndSigmoid(double[] rho, int offset, int from, int n, double[] sigma, double[] sigmoid) {
    for (int i = from; i < n; i++) {
      double x = rho[offset + i];
      double y = Math.max(-Math.abs(x), EXP_FLOOR);
      double shifted = y * INV_LN2 + ROUND;
      double k = shifted - ROUND;
      double r = (y - k * LN2_HI) - k * LN2_LO;
      double p = EXP_TAYLOR[EXP_TAYLOR.length - 1];
      for (int j = EXP_TAYLOR.length - 2; j >= 0; j--) p = p * r + EXP_TAYLOR[j];
      // 2^k: the low bits of `shifted` hold k (its exponent is fixed by ROUND), so its bits + 1023, moved to the
      // exponent field, are 2^k's (the higher bits move out of the long).
      double twoToK = Double.longBitsToDouble((Double.doubleToRawLongBits(shifted) + 1023) << 52);
      double e = -Math.abs(x) < EXP_FLOOR ? 0.0 : p * twoToK;
      double s = e / (2 + e);
      double z = s * s;
      double q = ATANH_SERIES[ATANH_SERIES.length - 1];
      for (int j = ATANH_SERIES.length - 2; j >= 0; j--) q = q * z + ATANH_SERIES[j];
      sigma[i] = Math.max(x, 0.0) + 2 * s * q;
      sigmoid[i] = (x < 0 ? e : 1.0) / (1 + e);
    }
  }

  /**
   * sum of log x[i] over the first n values, as the log of their product: four interleaved running products, each
   * brought back to [1, 2) by its power of two when it leaves [2^-500, 2^500], so the sum costs n multiplications
   * and four logs instead of n logs (the logs of the posterior scales were two thirds of the KL term's time). A
   * value outside [2^-400, 2^400] (or 0, NaN, infinity) has its log added directly instead, so no product can
   * overflow or underflow, and zero, NaN and infinity give what the sum of the logs gives. Each multiplication rounds
   * with a relative error below 2^-53, so the result is within about n 2^-53 of the exact sum, as a sum of n
   * rounded logs is.
   */
  public static double sumOfLogs(double[] x, int n) {
    return sumOfLogs(x, 0, n);
  }

  /** As above over x[from..to) (the products interleaved from x[from] on). */
  public static double sumOfLogs(double[] x, int from, int to) {
    double[] product = {1, 1, 1, 1};
    long exponent = 0;
    double direct = 0;
    for (int i = from; i < to; i++) {
      double v = x[i];
      if (!(v >= 0x1p-400 && v <= 0x1p400)) {
        direct += Math.log(v);
        continue;
      }
      int c = (i - from) & 3;
      double p = product[c] * v;
      if (!(p >= 0x1p-500 && p <= 0x1p500)) {
        int k = Math.getExponent(p);
        p = Math.scalb(p, -k);
        exponent += k;
      }
      product[c] = p;
    }
    double logs = Math.log(product[0]) + Math.log(product[1]) + Math.log(product[2]) + Math.log(product[3]);
    // exponent * LN2_HI is exact for |exponent| < 2^21 (LN2_HI has 32 significant bits).
    return exponent * LN2_HI + (exponent * LN2_LO + logs) + direct;
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
