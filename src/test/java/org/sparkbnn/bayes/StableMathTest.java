package org.sparkbnn.bayes;

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

  /**
   * Float64: both are exp/log1p of the same value, the vector one from the JDK's vector math library (documented
   * to 1 ulp for these functions) and Math's (1 ulp); with the add and divide that is at most a few ulp, so 1e-15
   * relative.
   */
  @Test
  void vectorAndScalarSoftplusAgreeInFloat64() {
    double[] rho = rhoValues();
    int n = rho.length;
    double[] sigma = new double[n];
    double[] sigmoid = new double[n];
    StableMath.softplusAndSigmoid(rho, 0, n, sigma, sigmoid);
    double[] refSigma = new double[n];
    double[] refSigmoid = new double[n];
    StableMath.scalarSoftplusAndSigmoid(rho, 0, 0, n, refSigma, refSigmoid);
    for (int i = 0; i < n; i++) {
      assertEquals(refSigma[i], sigma[i], 1e-15 * refSigma[i] + Double.MIN_NORMAL, "softplus(" + rho[i] + ")");
      assertEquals(refSigmoid[i], sigmoid[i], 1e-15 * refSigmoid[i] + Double.MIN_NORMAL, "sigmoid(" + rho[i] + ")");
      assertTrue(sigma[i] >= 0 && sigmoid[i] >= 0 && sigmoid[i] <= 1, "range at " + rho[i]);
    }
  }

  /** Float32 against the float64 definition rounded once: a few float ulp (2^-23 = 1.2e-7), so 5e-7 relative. */
  @Test
  void float32SoftplusMatchesTheFloat64Definition() {
    double[] rho = rhoValues();
    int n = rho.length;
    float[] rhoF = new float[n];
    for (int i = 0; i < n; i++) rhoF[i] = (float) rho[i];
    float[] sigma = new float[n];
    float[] sigmoid = new float[n];
    StableMath.softplusAndSigmoid(rhoF, 0, n, sigma, sigmoid);
    double[] exact = new double[n];
    double[] exactSigmoid = new double[n];
    double[] asDouble = new double[n];
    for (int i = 0; i < n; i++) asDouble[i] = rhoF[i];
    StableMath.scalarSoftplusAndSigmoid(asDouble, 0, 0, n, exact, exactSigmoid);
    for (int i = 0; i < n; i++) {
      float expected = (float) exact[i];
      assertEquals(expected, sigma[i], 5e-7 * expected + Float.MIN_NORMAL, "softplus(" + rhoF[i] + ")");
      float expectedSigmoid = (float) exactSigmoid[i];
      assertEquals(expectedSigmoid, sigmoid[i], 5e-7 * expectedSigmoid + Float.MIN_NORMAL, "sigmoid(" + rhoF[i] + ")");
    }
  }

  @Test
  void softplusIsExactInTheTails() {
    double[] rho = {-800, -40, 40, 800};
    double[] sigma = new double[4];
    double[] sigmoid = new double[4];
    StableMath.softplusAndSigmoid(rho, 0, 4, sigma, sigmoid);
    // softplus(x) = e^x (1 + O(e^x)) for x << 0 and x + e^-x for x >> 0.
    assertEquals(0.0, sigma[0]);
    assertEquals(Math.exp(-40), sigma[1], 1e-15 * Math.exp(-40));
    assertEquals(40.0, sigma[2], 1e-15 * 40);
    assertEquals(800.0, sigma[3]);
    assertEquals(1.0, sigmoid[3]);
  }
}
