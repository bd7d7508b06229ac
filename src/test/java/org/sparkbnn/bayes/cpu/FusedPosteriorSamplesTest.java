package org.sparkbnn.bayes.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparkbnn.bayes.Activation;
import org.sparkbnn.bayes.BayesianMlp;
import org.sparkbnn.bayes.ElboObjective;
import org.sparkbnn.bayes.GaussianLikelihood;
import org.sparkbnn.bayes.GaussianPredictive;
import org.sparkbnn.bayes.GaussianPrior;
import org.sparkbnn.bayes.GradientEstimator;
import org.sparkbnn.bayes.NetworkArchitecture;
import org.sparkbnn.bayes.PosteriorSamples;

/** The fused scoring kernel against the ND4J one: the same weight samples, the same outputs up to float32 rounding. */
class FusedPosteriorSamplesTest {

  /**
   * Outputs of each sampled network, and the predictive moments built from them. Both kernels compute the same
   * float32 chain from the same weights (the same noise; they differ in softplus rounding), the fused one a fused
   * multiply-add per input, ND4J's through OpenBLAS sgemm in its own order: three layers of inner length at most 17
   * (16 inputs and the bias), by the dot-product bound about 3 x 17 x 6e-8 = 3e-6 of the summed |terms|, which are
   * of the size of the outputs here; 1e-4 of max(1, |value|) leaves a factor 30 for cancellation. The epistemic
   * variance, a difference of nearby samples, gets the same bound on its square root's scale.
   */
  @ParameterizedTest
  @EnumSource(Activation.class)
  void fusedAndNd4jSamplesAgree(Activation activation) {
    BayesianMlp net = new BayesianMlp(new NetworkArchitecture(5, new int[] {16, 8}, 2, activation),
        GaussianLikelihood.heteroscedastic());
    double[] theta = new ElboObjective(net, new GaussianPrior(1), GradientEstimator.REPARAMETERIZATION, 1, 3)
        .initialParameters(-2.0);
    int rows = 40;
    float[] x = new float[rows * 5];
    SplittableRandom rng = new SplittableRandom(11);
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
    FusedPosteriorSamples fused = new FusedPosteriorSamples(net, theta, 12, 77L);
    PosteriorSamples reference = new PosteriorSamples(net, theta, 12, 77L);
    float[] a = new float[rows * 2];
    float[] b = new float[rows * 2];
    fused.input(x, rows);
    reference.input(x, rows);
    for (int t = 0; t < 12; t++) {
      fused.output(t, a);
      reference.output(t, b);
      for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-4 * Math.max(1, Math.abs(b[i])), "sample " + t);
    }
    double[] m = new GaussianPredictive(fused, net.likelihood()).predict(x, rows);
    double[] r = new GaussianPredictive(reference, net.likelihood()).predict(x, rows);
    for (int i = 0; i < m.length; i++) {
      double scale = i % 3 == 1 ? Math.max(1, Math.sqrt(Math.abs(r[i]))) : Math.max(1, Math.abs(r[i]));
      assertEquals(r[i], m[i], 1e-4 * scale, "moment " + i % 3 + " of row " + i / 3);
    }
  }

  /**
   * A row's outputs do not depend on the batch it is scored in (what makes {@code transform} independent of the
   * partitioning): the same rows scored in a batch of 40, alone in a batch of 7, and at another position in a batch
   * of 100 (which makes the kernel grow its off-heap buffers, ones column included) give the same bits.
   */
  @ParameterizedTest
  @EnumSource(Activation.class)
  void aRowsOutputsDoNotDependOnItsBatch(Activation activation) {
    BayesianMlp net = new BayesianMlp(new NetworkArchitecture(5, new int[] {16, 8}, 1, activation),
        GaussianLikelihood.homoscedastic(0.1));
    double[] theta = new ElboObjective(net, new GaussianPrior(1), GradientEstimator.REPARAMETERIZATION, 1, 3)
        .initialParameters(-2.0);
    SplittableRandom rng = new SplittableRandom(5);
    float[] big = new float[100 * 5];
    for (int i = 0; i < big.length; i++) big[i] = (float) rng.nextGaussian();
    FusedPosteriorSamples fused = new FusedPosteriorSamples(net, theta, 4, 77L);
    float[] inForty = new float[40];
    float[] alone = new float[7];
    float[] inHundred = new float[100];
    for (int t = 0; t < 4; t++) {
      fused.input(java.util.Arrays.copyOfRange(big, 60 * 5, 100 * 5), 40);
      fused.output(t, inForty);
      fused.input(java.util.Arrays.copyOfRange(big, 90 * 5, 97 * 5), 7);
      fused.output(t, alone);
      fused.input(big, 100);
      fused.output(t, inHundred);
      for (int r = 0; r < 7; r++) {
        assertEquals(inHundred[90 + r], inForty[30 + r], 0f, "sample " + t + ", row " + r);
        assertEquals(inHundred[90 + r], alone[r], 0f, "sample " + t + ", row " + r);
      }
    }
  }
}
