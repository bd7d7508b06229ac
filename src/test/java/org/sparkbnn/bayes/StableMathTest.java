package org.sparkbnn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The per-weight softplus and sigmoid: the Vector API path against the scalar definition, over the whole range. */
class StableMathTest {

  /** rho values from -800 (sigma underflows toward 0) through 0 to +800 (sigma = rho), and typical ones near -5. */
  private static double[] rhoValues() {
    SplittableRandom rng = new SplittableRandom(3);
    double[] rho = new double[1003];
    for (int i = 0; i < rho.length; i++) {
      rho[i] = i % 3 == 0 ? rng.nextDouble(-800, 800) : i % 3 == 1 ? rng.nextDouble(-40, 40) : -5 + rng.nextGaussian();
    }
    rho[0] = 0;
    rho[1] = -0.0;
    return rho;
  }

  @Test
  void theTestJvmRunsTheVectorPath() {
    // Surefire starts the JVM with --add-modules=jdk.incubator.vector, as jobs/bnn does: the tests below then
    // compare the vector lanes with the scalar loop rather than the scalar loop with itself.
    assertTrue(StableMath.VECTOR_API, "jdk.incubator.vector is not in the test JVM's boot layer");
  }

  /** The vector lanes and the scalar loop perform the same IEEE operations in the same order: the same bits. */
  @Test
  void vectorAndScalarSoftplusAreBitIdentical() {
    double[] rho = rhoValues();
    int n = rho.length;
    double[] sigma = new double[n];
    double[] sigmoid = new double[n];
    StableMath.softplusAndSigmoid(rho, 0, n, sigma, sigmoid);
    double[] refSigma = new double[n];
    double[] refSigmoid = new double[n];
    StableMath.scalarSoftplusAndSigmoid(rho, 0, 0, n, refSigma, refSigmoid);
    assertArrayEquals(refSigma, sigma, 0.0);
    assertArrayEquals(refSigmoid, sigmoid, 0.0);
  }

  /**
   * Against Math's exp and log1p (each within 1 ulp): the range reduction is exact to ~1e-19 (Cody-Waite split of
   * ln 2), the two series are truncated below 4e-18 and 2e-19, and some twenty roundings of ~1.1e-16 each mostly
   * cancel; 1e-15 relative (about 5 ulp) bounds the difference, where a wrong coefficient would show at 1e-3.
   */
  @Test
  void softplusAndSigmoidMatchMathsExpAndLog1p() {
    double[] rho = rhoValues();
    int n = rho.length;
    double[] sigma = new double[n];
    double[] sigmoid = new double[n];
    StableMath.softplusAndSigmoid(rho, 0, n, sigma, sigmoid);
    for (int i = 0; i < n; i++) {
      double x = rho[i];
      if (-Math.abs(x) < -708) continue; // e^{-|x|} is taken as 0 there (tested below)
      double e = Math.exp(-Math.abs(x));
      double refSigma = Math.max(x, 0.0) + Math.log1p(e);
      double refSigmoid = (x < 0 ? e : 1.0) / (1 + e);
      assertEquals(refSigma, sigma[i], 1e-15 * refSigma, "softplus(" + x + ")");
      assertEquals(refSigmoid, sigmoid[i], 1e-15 * refSigmoid, "sigmoid(" + x + ")");
      assertTrue(sigma[i] >= 0 && sigmoid[i] >= 0 && sigmoid[i] <= 1, "range at " + x);
    }
  }

  /**
   * The float32 loop against the float64 one (itself within ~5 float64 ulp of Math's, above), in float ulp of the
   * rounded value (one ulp is at least u = 2^-24 relative). Worst case, with no rounding cancelling another: the range
   * reduction's r carries ~u |r| <= 0.35 u; the exp series is truncated below 6e-9 (0.1 u) and its degree-7 Horner
   * form rounds 14 times, <= 14 u; so e is within ~15 u. s = e / (2 + e) adds 2 u (e's error passes through at most
   * once), the log1p series ~3 u (its terms after the first are below 1/27, so s's error enters them damped, and it
   * rounds 12 times on small terms), the product 2 s q one more: <= ~21 u for softplus, ~17 u for the sigmoid. 24 ulp
   * bounds both; the worst of 2,000,000 random values measured 3.5, and a wrong coefficient shows at 1e-3 relative,
   * thousands of ulp. Below -86 e^x is taken as 0 (float's subnormal range starts at -87.3), so sigma and the sigmoid
   * are 0 there.
   */
  @Test
  void float32SoftplusIsWithin24UlpOfTheFloat64Values() {
    SplittableRandom rng = new SplittableRandom(11);
    int n = 200_003;
    float[] rho = new float[n];
    for (int i = 0; i < n; i++) {
      rho[i] = (float) (i % 3 == 0 ? rng.nextDouble(-100, 100) : i % 3 == 1 ? rng.nextDouble(-12, 4)
          : -5 + rng.nextGaussian());
    }
    rho[0] = 0f;
    rho[1] = -0f;
    rho[2] = -86f;
    float[] sigma = new float[n];
    float[] sigmoid = new float[n];
    StableMath.softplusAndSigmoid(rho, 0, n, sigma, sigmoid);
    double[] asDouble = new double[n];
    for (int i = 0; i < n; i++) asDouble[i] = rho[i];
    double[] exact = new double[n];
    double[] exactSigmoid = new double[n];
    StableMath.softplusAndSigmoid(asDouble, 0, n, exact, exactSigmoid);
    for (int i = 0; i < n; i++) {
      if (rho[i] < -86f) {
        assertEquals(0f, sigma[i], "softplus(" + rho[i] + ")");
        assertEquals(0f, sigmoid[i], "sigmoid(" + rho[i] + ")");
        continue;
      }
      assertEquals(exact[i], sigma[i], 24 * Math.ulp((float) exact[i]), "softplus(" + rho[i] + ")");
      assertEquals(exactSigmoid[i], sigmoid[i], 24 * Math.ulp((float) exactSigmoid[i]), "sigmoid(" + rho[i] + ")");
    }
  }

  /**
   * The float32 vector lanes and the float32 scalar loop: the same operations in the same order, the same bits. With
   * a sweep of [-90, 10], so that every bit of the exponent -k (0..124) is set in some lane.
   */
  @Test
  void float32VectorAndScalarSoftplusAreBitIdentical() {
    double[] values = rhoValues();
    int sweep = 2_700;
    int n = values.length + sweep;
    float[] rho = new float[n];
    for (int i = 0; i < values.length; i++) rho[i] = (float) values[i];
    for (int i = 0; i < sweep; i++) rho[values.length + i] = -90f + i / 27f;
    float[] sigma = new float[n];
    float[] sigmoid = new float[n];
    StableMath.softplusAndSigmoid(rho, 0, n, sigma, sigmoid);
    float[] refSigma = new float[n];
    float[] refSigmoid = new float[n];
    StableMath.scalarSoftplusAndSigmoid(rho, 0, 0, n, refSigma, refSigmoid);
    assertArrayEquals(refSigma, sigma, 0f);
    assertArrayEquals(refSigmoid, sigmoid, 0f);
  }

  @Test
  void softplusIsExactInTheTails() {
    double[] rho = {-800, -40, 40, 800};
    double[] sigma = new double[4];
    double[] sigmoid = new double[4];
    StableMath.softplusAndSigmoid(rho, 0, 4, sigma, sigmoid);
    // softplus(x) = e^x (1 + O(e^x)) for x << 0 and x + e^-x for x >> 0; below -708 it is 0, as with Math.exp.
    assertEquals(0.0, sigma[0]);
    assertEquals(Math.exp(-40), sigma[1], 1e-15 * Math.exp(-40));
    assertEquals(40.0, sigma[2], 1e-15 * 40);
    assertEquals(800.0, sigma[3]);
    assertEquals(1.0, sigmoid[3]);
  }

  /**
   * The sum of logs through running products equals the sum of Math.log to within the rounding both carry: each of
   * the n logs (or n multiplications) rounds with a relative error below 2^-53, so they differ by less than
   * 2 n 2^-53 times the largest |log x|; asserted with that bound. The values span 1e-300 to 1e300, so the
   * products leave double's range unless brought back; zero and NaN behave as in the sum of logs.
   */
  @Test
  void sumOfLogsMatchesTheSumOfMathLogOverTheWholeRange() {
    SplittableRandom rng = new SplittableRandom(5);
    for (int n : new int[] {0, 1, 3, 4, 7, 5569, 100_000}) {
      double[] x = new double[n];
      double exact = 0;
      double largest = 0;
      for (int i = 0; i < n; i++) {
        x[i] = i % 7 == 0 ? Math.pow(10, rng.nextDouble(-300, 300)) : StableMath.softplus(-5 + 2 * rng.nextGaussian());
        exact += Math.log(x[i]);
        largest = Math.max(largest, Math.abs(Math.log(x[i])));
      }
      assertEquals(exact, StableMath.sumOfLogs(x, n), 2.0 * n * 0x1p-53 * largest + 1e-300, "n = " + n);
    }
    assertEquals(Double.NEGATIVE_INFINITY, StableMath.sumOfLogs(new double[] {0.5, 0.0, 2.0}, 3));
    assertTrue(Double.isNaN(StableMath.sumOfLogs(new double[] {0.5, Double.NaN, 2.0}, 3)));
    assertEquals(Math.log(1e-310) + Math.log(3.0), StableMath.sumOfLogs(new double[] {1e-310, 3.0}, 2), 1e-13);
  }
}
