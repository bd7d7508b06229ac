package org.sparkbnn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkbnn.bayes.cpu.FusedPosteriorSamples;

/**
 * A homoscedastic network written as a heteroscedastic one predicts what it predicted, on both scoring kernels, and
 * gives the homoscedastic network back bit for bit.
 */
class ConstantNoiseOutputTest {
  private static final int FEATURES = 5;
  private static final int ROWS = 40;
  private static final BayesianMlp HOMOSCEDASTIC = new BayesianMlp(
      new NetworkArchitecture(FEATURES, new int[] {16, 8}, 1, Activation.RELU), GaussianLikelihood.homoscedastic(0.1));
  private static final BayesianMlp PER_ROW = new BayesianMlp(
      new NetworkArchitecture(FEATURES, new int[] {16, 8}, 2, Activation.RELU), GaussianLikelihood.heteroscedastic());

  /** A posterior with weight spread rho (sigma = softplus(rho)) and a learned log noise variance of -1.3. */
  private static double[] homoscedasticTheta(double rho) {
    double[] theta = new ElboObjective(HOMOSCEDASTIC, new GaussianPrior(1), GradientEstimator.REPARAMETERIZATION, 1,
        3).initialParameters(rho);
    SplittableRandom rng = new SplittableRandom(8);
    for (int i = 0; i < HOMOSCEDASTIC.architecture().numWeights(); i++) theta[i] += 0.3 * rng.nextGaussian();
    theta[HOMOSCEDASTIC.architecture().likelihoodOffset()] = -1.3;
    return theta;
  }

  private static float[] rows() {
    float[] x = new float[ROWS * FEATURES];
    SplittableRandom rng = new SplittableRandom(11);
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
    return x;
  }

  private static double[] predictive(BayesianMlp net, double[] theta, int samples, boolean fused) {
    SampledNetworks s = fused ? new FusedPosteriorSamples(net, theta, samples, 77L)
        : new PosteriorSamples(net, theta, samples, 77L);
    return new GaussianPredictive(s, net.likelihood()).predict(rows(), ROWS);
  }

  @ParameterizedTest
  @ValueSource(doubles = {-3.0, ConstantNoiseOutput.ZERO_SIGMA_RHO})
  void removingTheNoiseOutputGivesTheHomoscedasticNetworkBack(double rho) {
    double[] theta = homoscedasticTheta(rho);
    double[] perRow = ConstantNoiseOutput.added(HOMOSCEDASTIC.architecture(), theta);
    assertEquals(PER_ROW.numParameters(), perRow.length);
    assertArrayEquals(theta, ConstantNoiseOutput.removed(PER_ROW.architecture(), perRow), 0.0);
  }

  /**
   * Weights of standard deviation 0: every sample is the mean network, in both forms. The aleatoric variance is the
   * same bits (each sample's noise output is the bias s exactly: weights 0, no noise); the mean agrees up to float32
   * rounding of the output layer's product (inner length 9, 1e-5 of the output's size leaves a factor 20 over 9 x
   * 6e-8); the epistemic variance is 0 in both.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void withoutWeightSpreadItPredictsTheSame(boolean fused) {
    double[] theta = homoscedasticTheta(ConstantNoiseOutput.ZERO_SIGMA_RHO);
    double[] expected = predictive(HOMOSCEDASTIC, theta, 4, fused);
    double[] actual = predictive(PER_ROW, ConstantNoiseOutput.added(HOMOSCEDASTIC.architecture(), theta), 4, fused);
    for (int r = 0; r < ROWS; r++) {
      assertEquals(expected[3 * r], actual[3 * r], 1e-5 * Math.max(1, Math.abs(expected[3 * r])), "mean, row " + r);
      assertEquals(0.0, actual[3 * r + 1], 0.0, "epistemic variance, row " + r);
      assertEquals(expected[3 * r + 2], actual[3 * r + 2], 0.0, "aleatoric variance, row " + r);
      assertEquals(Math.exp((float) -1.3), actual[3 * r + 2], 0.0);
    }
  }

  /**
   * With spread weights the two forms draw their weights' noise at different positions (the output layer's matrix
   * gains a column), so the samples differ but not their law: each predictive mean over T samples has Monte Carlo
   * variance epistemic / T, their difference 2 epistemic / T; five of its standard deviations bound it (a normal
   * tail of 6e-7 a row). The aleatoric variance is still the same bits, sample after sample.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void withWeightSpreadItPredictsTheSameLaw(boolean fused) {
    double[] theta = homoscedasticTheta(-3.0);
    int samples = 400;
    double[] expected = predictive(HOMOSCEDASTIC, theta, samples, fused);
    double[] actual = predictive(PER_ROW, ConstantNoiseOutput.added(HOMOSCEDASTIC.architecture(), theta), samples,
        fused);
    for (int r = 0; r < ROWS; r++) {
      double epistemic = 0.5 * (expected[3 * r + 1] + actual[3 * r + 1]);
      assertTrue(epistemic > 0, "row " + r + " has no epistemic variance to test with");
      assertEquals(expected[3 * r], actual[3 * r], 5 * Math.sqrt(2 * epistemic / samples), "mean, row " + r);
      assertEquals(expected[3 * r + 2], actual[3 * r + 2], 0.0, "aleatoric variance, row " + r);
    }
    assertTrue(Arrays.stream(actual).allMatch(Double::isFinite));
  }
}
