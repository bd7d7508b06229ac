package org.sparkbnn.bayes.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkbnn.bayes.Activation;
import org.sparkbnn.bayes.BayesianMlp;
import org.sparkbnn.bayes.CategoricalLikelihood;
import org.sparkbnn.bayes.ElboObjective;
import org.sparkbnn.bayes.GaussianLikelihood;
import org.sparkbnn.bayes.GradientCheckTest;
import org.sparkbnn.bayes.GradientEstimator;
import org.sparkbnn.bayes.Likelihood;
import org.sparkbnn.bayes.NetworkArchitecture;
import org.sparkbnn.bayes.cpu.precision.Float64Twin;

/**
 * The fused CPU kernel against the ND4J path for every estimator x likelihood x prior x activation (the
 * combinations of {@code GradientCheckTest}, which checks the ND4J path against finite differences in float64
 * to 1e-6), the fused kernel's own analytic gradient against finite differences of its own loss, and the same
 * kernel's code in float64 (its generated twin) against finite differences to 1e-6.
 */
class FusedElboTest {
  private static final int ROWS = 7;
  private static final int BATCH = 7;
  private static final long STEP = 3;
  private static final double KL_WEIGHT = 0.7;
  private static final long N = 50;

  /**
   * Float32 fused vs float64 reference, norm-wise per parameter block. Each gradient component is a chain of at most
   * six sums of products (three layers forward, three back) whose inner lengths here are at most 7 rows or 5 units;
   * with unit roundoff u = 2^-24 = 6e-8 the standard bound for a length-n dot product is n u / (1 - n u) relative to
   * the sum of |terms|, about 6 x 7 x 6e-8 = 2.5e-6 for the chain; the noise is rounded to float32 too (another u per
   * term). Allowing a factor 40 for cancellation (sums of |terms| vs |sum|) gives 1e-4; a wrong formula gives O(1).
   */
  private static final double FLOAT32_TOLERANCE = 1e-4;

  private static final class Case {
    final NetworkArchitecture arch;
    final ElboObjective objective;
    final double[] theta;
    final double[] x;
    final double[] y;

    Case(GradientEstimator estimator, String likelihoodName, Activation activation, String priorName) {
      Likelihood likelihood = likelihoodName.equals("categorical") ? new CategoricalLikelihood(3)
          : likelihoodName.equals("heteroscedastic") ? GaussianLikelihood.heteroscedastic()
          : GaussianLikelihood.homoscedastic(0.3);
      arch = new NetworkArchitecture(3, new int[] {5, 4}, likelihood.numOutputs(), activation);
      objective = new ElboObjective(new BayesianMlp(arch, likelihood),
          GradientCheckTest.prior(priorName, arch),
          estimator, 2, 17L);
      theta = objective.initialParameters(-2.0);
      SplittableRandom rng = new SplittableRandom(5);
      for (int i = 0; i < theta.length; i++) theta[i] = (float) (theta[i] + 0.3 * rng.nextGaussian());
      x = new double[ROWS * 3];
      for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
      y = new double[ROWS];
      for (int i = 0; i < ROWS; i++) {
        y[i] = likelihood instanceof CategoricalLikelihood ? i % 3 : (float) rng.nextGaussian();
      }
    }

    double[] referenceGradient() {
      INDArray th = Nd4j.createFromArray(theta);
      INDArray grad = th.ulike().assign(0.0);
      objective.addDataGradient(th, Nd4j.createFromArray(x).reshape(ROWS, 3), Nd4j.createFromArray(y).reshape(ROWS, 1),
          STEP, 0, BATCH, grad);
      objective.addKlGradient(th, STEP, KL_WEIGHT, N, grad);
      return grad.toDoubleVector();
    }

    /** The fused loss (data + KL) and its gradient at float32 parameters t. */
    double fused(double[] t, double[] gradOut) {
      FusedElbo kernel = FusedElbo.forThread(arch);
      float[] grad = new float[t.length];
      double nll = kernel.addDataGradient(objective, toFloat(t), toFloat(x), toFloat(y), ROWS, STEP, 0, BATCH, grad);
      double[] full = new double[t.length];
      for (int i = 0; i < t.length; i++) full[i] = grad[i];
      double kl = kernel.addKlGradient(objective, t, STEP, KL_WEIGHT, N, full);
      if (gradOut != null) System.arraycopy(full, 0, gradOut, 0, full.length);
      return nll / BATCH + KL_WEIGHT * kl / N;
    }

    /** The same through the kernel's float64 twin (generated from its source: {@link Float64Twin}). */
    double fused64(double[] t, double[] gradOut) {
      FusedElbo64 kernel = FusedElbo64.forThread(arch);
      double[] grad = new double[t.length];
      double nll = kernel.addDataGradient(objective, t, x, y, ROWS, STEP, 0, BATCH, grad);
      double kl = kernel.addKlGradient(objective, t, STEP, KL_WEIGHT, N, grad);
      if (gradOut != null) System.arraycopy(grad, 0, gradOut, 0, grad.length);
      return nll / BATCH + KL_WEIGHT * kl / N;
    }
  }

  @ParameterizedTest(name = "{0} {1} {2} prior={3}")
  @MethodSource("org.sparkbnn.bayes.GradientCheckTest#configurations")
  void fusedFloat32GradientMatchesTheFloat64Reference(GradientEstimator estimator, String likelihood,
                                                       Activation activation, String prior) {
    Case c = new Case(estimator, likelihood, activation, prior);
    double[] fused = new double[c.theta.length];
    c.fused(c.theta, fused);
    assertBlocks(c.arch, fused, c.referenceGradient(), c.theta.length, FLOAT32_TOLERANCE);
  }

  /**
   * Central differences of the fused kernel's own loss. Its value is a float32 computation whose rows pass through
   * about ten rounded operations, so it carries noise of roughly 10 u |L| (u = 6e-8); the difference quotient turns
   * that into 10 u |L| / h, plus a truncation error of order h^2 |L3| (L3 the third derivative); with h = 2e-3,
   * 3e-4 |L| + 4e-6 |L3|.
   * The rho blocks' gradients are the smallest (they carry a factor sigmoid(rho) eps, ~0.1 here), about a tenth of
   * |L|, so the quotient is good to ~3e-3 relative there; 5e-3 norm-wise per block still separates a wrong
   * derivative (O(1)) from rounding by two orders of magnitude. A relu kink within h of a pre-activation breaks the
   * quotient; with these inputs none is (the data are fixed, so the test cannot fail at random).
   */
  @ParameterizedTest(name = "{0} {1} {2} prior={3}")
  @MethodSource("org.sparkbnn.bayes.GradientCheckTest#configurations")
  void fusedGradientMatchesFiniteDifferencesOfTheFusedLoss(GradientEstimator estimator, String likelihood,
                                                            Activation activation, String prior) {
    Case c = new Case(estimator, likelihood, activation, prior);
    double[] analytic = new double[c.theta.length];
    c.fused(c.theta, analytic);
    double[] numeric = GradientCheckTest.centralDifferences(c.theta, 2e-3, t -> c.fused(t, null));
    assertBlocks(c.arch, analytic, numeric, c.theta.length, 5e-3);
  }

  /**
   * The fused kernel's code in float64 (its generated twin) against central differences of its own loss, with the
   * step and tolerance of {@code GradientCheckTest}: h = 1e-6, relative error < 1e-6 per block. With fixed noise
   * keys the loss is smooth in theta away from relu kinks (none within h here: the inputs are fixed); the
   * truncation error is O(h^2 |L3|) ~ 1e-12 (L3 the third derivative) and the rounding error ~ u |L| / h ~
   * 1e-16 / 1e-6 = 1e-10 relative, so 1e-6 leaves four orders of magnitude for cancellation while a wrong term in
   * the derivative is O(1).
   */
  @ParameterizedTest(name = "{0} {1} {2} prior={3}")
  @MethodSource("org.sparkbnn.bayes.GradientCheckTest#configurations")
  void float64TwinGradientMatchesFiniteDifferences(GradientEstimator estimator, String likelihood,
                                                   Activation activation, String prior) {
    Case c = new Case(estimator, likelihood, activation, prior);
    double[] analytic = new double[c.theta.length];
    c.fused64(c.theta, analytic);
    double[] numeric = GradientCheckTest.centralDifferences(c.theta, 1e-6, t -> c.fused64(t, null));
    assertBlocks(c.arch, analytic, numeric, c.theta.length, 1e-6);
  }

  /**
   * The float64 twin computes the ND4J path's function: its gradient matches the float64 reference. The only
   * difference in their inputs is the plain reparameterisation's weight noise, which the reference draws rounded to
   * float32 (relative change <= u = 6e-8 per draw) and the twin does not; that moves the gradient by a few u
   * relative, so 1e-6 (as for the finite differences) holds with a wide margin and a wrong formula does not.
   */
  @ParameterizedTest(name = "{0} {1} {2} prior={3}")
  @MethodSource("org.sparkbnn.bayes.GradientCheckTest#configurations")
  void float64TwinMatchesTheFloat64Reference(GradientEstimator estimator, String likelihood, Activation activation,
                                             String prior) {
    Case c = new Case(estimator, likelihood, activation, prior);
    double[] twin = new double[c.theta.length];
    c.fused64(c.theta, twin);
    assertBlocks(c.arch, twin, c.referenceGradient(), c.theta.length, 1e-6);
  }

  @ParameterizedTest(name = "{0} {1} {2} prior={3}")
  @MethodSource("org.sparkbnn.bayes.GradientCheckTest#configurations")
  void fusedKlMatchesTheReferenceInFloat64(GradientEstimator estimator, String likelihood, Activation activation,
                                           String prior) {
    Case c = new Case(estimator, likelihood, activation, prior);
    INDArray th = Nd4j.createFromArray(c.theta);
    INDArray grad = th.ulike().assign(0.0);
    double expected = c.objective.addKlGradient(th, STEP, KL_WEIGHT, N, grad);
    double[] fused = new double[c.theta.length];
    double kl = FusedElbo.forThread(c.arch).addKlGradient(c.objective, c.theta, STEP, KL_WEIGHT, N, fused);
    // Both are float64 with the same draws; only summation order and exp/log implementations differ (a few ulp).
    assertEquals(expected, kl, 1e-10 * Math.abs(expected));
    // The KL does not involve the likelihood's parameters: compare the weight blocks only.
    assertBlocks(c.arch, fused, grad.toDoubleVector(), c.arch.likelihoodOffset(), 1e-10);
  }

  @ParameterizedTest(name = "{0} {1} {2} prior={3}")
  @MethodSource("org.sparkbnn.bayes.GradientCheckTest#configurations")
  void aStepIsAPureFunctionOfItsInputsWhateverRanBeforeOnTheThread(GradientEstimator estimator, String likelihood,
                                                                    Activation activation, String prior) {
    Case c = new Case(estimator, likelihood, activation, prior);
    double[] first = new double[c.theta.length];
    c.fused(c.theta, first);
    // A larger batch in between grows the thread's buffers; a different step leaves other values in them.
    FusedElbo kernel = FusedElbo.forThread(c.arch);
    float[] bigX = new float[300 * 3];
    float[] bigY = new float[300];
    kernel.addDataGradient(c.objective, toFloat(c.theta), bigX, bigY, 300, 99, 1, 300, new float[c.theta.length]);
    double[] again = new double[c.theta.length];
    c.fused(c.theta, again);
    assertArrayEquals(first, again, 0.0);
  }

  static void assertBlocks(NetworkArchitecture arch, double[] actual, double[] expected, int length, double tol) {
    for (int l = 0; l < arch.numLayers(); l++) {
      int from = arch.weightOffset(l);
      int to = arch.weightOffset(l + 1);
      assertBlock("layer " + l + " mu", actual, expected, arch.muOffset() + from, arch.muOffset() + to, tol);
      assertBlock("layer " + l + " rho", actual, expected, arch.rhoOffset() + from, arch.rhoOffset() + to, tol);
    }
    if (length > arch.likelihoodOffset()) {
      assertBlock("likelihood", actual, expected, arch.likelihoodOffset(), length, tol);
    }
  }

  private static void assertBlock(String name, double[] a, double[] e, int from, int to, double tol) {
    double diff = 0;
    double norm = 0;
    for (int i = from; i < to; i++) {
      diff += (a[i] - e[i]) * (a[i] - e[i]);
      norm += e[i] * e[i];
    }
    assertTrue(norm > 0, name + ": reference gradient is identically zero");
    double rel = Math.sqrt(diff / norm);
    assertTrue(rel < tol, name + ": relative error " + rel + " (tolerance " + tol + ")");
  }

  static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    return f;
  }
}
