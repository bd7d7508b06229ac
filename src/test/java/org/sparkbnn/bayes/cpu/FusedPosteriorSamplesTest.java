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
   * float32 chain (weights from the same noise; products through OpenBLAS sgemm; they differ in softplus rounding
   * and summation order), three layers of inner length at most 16: by the dot-product bound about 3 x 16 x 6e-8 =
   * 3e-6 of the summed |terms|, which are of the size of the outputs here; 1e-4 of max(1, |value|) leaves a factor
   * 30 for cancellation. The epistemic variance, a difference of nearby samples, gets the same bound on its square
   * root's scale.
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
    for (int t = 0; t < 12; t++) {
      fused.output(t, x, rows, a);
      reference.output(t, x, rows, b);
      for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-4 * Math.max(1, Math.abs(b[i])), "sample " + t);
    }
    double[] m = new GaussianPredictive(fused, net.likelihood()).predict(x, rows);
    double[] r = new GaussianPredictive(reference, net.likelihood()).predict(x, rows);
    for (int i = 0; i < m.length; i++) {
      double scale = i % 3 == 1 ? Math.max(1, Math.sqrt(Math.abs(r[i]))) : Math.max(1, Math.abs(r[i]));
      assertEquals(r[i], m[i], 1e-4 * scale, "moment " + i % 3 + " of row " + i / 3);
    }
  }
}
