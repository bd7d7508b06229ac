package org.sparkbnn.bayes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkbnn.bayes.CategoricalPredictive.ClassPredictions;
import org.sparkbnn.bayes.cpu.FusedPosteriorSamples;

/**
 * The classification predictive's summaries against a direct float64 evaluation of their definitions on the same
 * weight samples, and its limits: a near-deterministic posterior has no epistemic part, and huge logits keep
 * everything finite. Each runs on the weight samples of both kernels (ND4J, and the fused CPU kernel), which share
 * the predictive's accumulation.
 */
class CategoricalPredictiveTest {
  private static final int K = 4;
  private static final int T = 25;

  private static BayesianMlp network() {
    return new BayesianMlp(new NetworkArchitecture(3, new int[] {6}, K, Activation.TANH), new CategoricalLikelihood(K));
  }

  private static double[] theta(BayesianMlp net, double rho, double muScale) {
    ElboObjective objective = new ElboObjective(net, new GaussianPrior(1), GradientEstimator.REPARAMETERIZATION, 1, 9);
    double[] theta = objective.initialParameters(rho);
    for (int i = 0; i < net.architecture().numWeights(); i++) theta[i] *= muScale;
    return theta;
  }

  private static SampledNetworks samples(boolean fused, BayesianMlp net, double[] theta, int t, long seed) {
    return fused ? new FusedPosteriorSamples(net, theta, t, seed) : new PosteriorSamples(net, theta, t, seed);
  }

  private static ClassPredictions predict(boolean fused, BayesianMlp net, double[] theta, int t, INDArray x) {
    return new CategoricalPredictive(samples(fused, net, theta, t, 1), net.likelihood())
        .predict(flat(x), (int) x.rows());
  }

  /** Seeded standard normal inputs (ND4J's global generator's state depends on the tests run before). */
  private static INDArray gaussian(long seed, int rows, int columns) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    float[] values = new float[rows * columns];
    for (int i = 0; i < values.length; i++) values[i] = (float) rng.nextGaussian();
    return Nd4j.createFromArray(values).reshape(rows, columns);
  }

  private static float[] flat(INDArray x) {
    return x.reshape(x.length()).toFloatVector();
  }

  @ParameterizedTest(name = "fused={0}")
  @ValueSource(booleans = {true, false})
  void summariesMatchTheirDefinitionsOnTheSameSamples(boolean fused) {
    BayesianMlp net = network();
    double[] theta = theta(net, -0.5, 3.0);
    INDArray x = gaussian(1, 8, 3);
    SampledNetworks samples = samples(fused, net, theta, T, 42);
    ClassPredictions got = new CategoricalPredictive(samples, net.likelihood()).predict(flat(x), 8);

    double[][] meanP = new double[8][K];
    double[][] meanP2 = new double[8][K];
    double[] meanH = new double[8];
    float[] logits = new float[8 * K];
    for (int t = 0; t < T; t++) {
      samples.input(flat(x), 8);
      samples.output(t, logits);
      for (int r = 0; r < 8; r++) {
        // Naive softmax: fine at these logit sizes, and independent of the implementation's log-sum-exp.
        double z = 0;
        for (int k = 0; k < K; k++) z += Math.exp(logits[r * K + k]);
        for (int k = 0; k < K; k++) {
          double p = Math.exp(logits[r * K + k]) / z;
          meanP[r][k] += p / T;
          meanP2[r][k] += p * p / T;
          meanH[r] -= p * Math.log(p) / T;
        }
      }
    }
    double maxMi = 0;
    for (int r = 0; r < 8; r++) {
      double h = 0;
      for (int k = 0; k < K; k++) {
        h -= meanP[r][k] * Math.log(meanP[r][k]);
        assertEquals(meanP[r][k], got.probability[r * K + k], 1e-12, "p-bar");
        assertEquals(Math.log(meanP[r][k]), got.logProbability[r * K + k], 1e-10, "log p-bar");
        assertEquals(meanP2[r][k] - meanP[r][k] * meanP[r][k], got.probabilityVariance[r * K + k], 1e-12, "Var p");
      }
      assertEquals(h, got.predictiveEntropy[r], 1e-10, "H[p-bar]");
      assertEquals(meanH[r], got.expectedEntropy[r], 1e-10, "E[H]");
      assertEquals(h - meanH[r], got.mutualInformation[r], 1e-10, "MI");
      assertEquals(1.0, Arrays.stream(got.probability, r * K, r * K + K).sum(), 1e-12);
      maxMi = Math.max(maxMi, got.mutualInformation[r]);
    }
    assertTrue(maxMi > 1e-3, "a wide posterior must show epistemic uncertainty, max MI " + maxMi);
  }

  @ParameterizedTest(name = "fused={0}")
  @ValueSource(booleans = {true, false})
  void nearDeterministicPosteriorHasNoEpistemicUncertainty(boolean fused) {
    BayesianMlp net = network();
    double[] theta = theta(net, -30, 3.0); // sigma = softplus(-30) ~ 1e-13
    INDArray x = gaussian(2, 5, 3);
    ClassPredictions p = predict(fused, net, theta, 10, x);
    for (int r = 0; r < 5; r++) {
      assertEquals(0.0, p.mutualInformation[r], 1e-6);
      assertEquals(p.predictiveEntropy[r], p.expectedEntropy[r], 1e-6);
      for (int k = 0; k < K; k++) assertEquals(0.0, p.probabilityVariance[r * K + k], 1e-10);
    }
  }

  @ParameterizedTest(name = "fused={0}")
  @ValueSource(booleans = {true, false})
  void hugeLogitsStayFinite(boolean fused) {
    BayesianMlp net = new BayesianMlp(new NetworkArchitecture(3, new int[] {6}, K, Activation.RELU),
        new CategoricalLikelihood(K));
    double[] theta = theta(net, -1, 50.0);
    INDArray x = gaussian(3, 6, 3).muli(1e4f); // logit gaps far beyond exp's range
    ClassPredictions p = predict(fused, net, theta, 10, x);
    for (int i = 0; i < p.logProbability.length; i++) {
      assertTrue(Double.isFinite(p.logProbability[i]) && p.logProbability[i] <= 1e-12,
          "log p-bar " + p.logProbability[i]);
    }
    for (int r = 0; r < 6; r++) {
      assertTrue(Double.isFinite(p.mutualInformation[r]) && p.mutualInformation[r] >= 0);
      assertTrue(p.predictiveEntropy[r] <= Math.log(K) + 1e-12);
    }
  }
}
