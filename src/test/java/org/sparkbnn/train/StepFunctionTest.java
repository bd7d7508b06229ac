package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;
import org.sparkbnn.bayes.Activation;
import org.sparkbnn.bayes.BayesianMlp;
import org.sparkbnn.bayes.ElboObjective;
import org.sparkbnn.bayes.GaussianLikelihood;
import org.sparkbnn.bayes.GaussianPrior;
import org.sparkbnn.bayes.GradientEstimator;
import org.sparkbnn.bayes.NetworkArchitecture;
import org.sparkbnn.input.Standardization;
import org.sparkbnn.compute.ComputeKernel;

/** The fused kernel's per-thread buffers outlive a fit: a step must not depend on what the thread ran before. */
class StepFunctionTest {

  private static float[] step(int features, int share) {
    BayesianMlp net = new BayesianMlp(new NetworkArchitecture(features, new int[] {6}, 1, Activation.RELU),
        GaussianLikelihood.homoscedastic(0.2));
    ElboObjective objective =
        new ElboObjective(net, new GaussianPrior(1.0), GradientEstimator.REPARAMETERIZATION, 1, 9L);
    SplittableRandom rng = new SplittableRandom(features);
    int rows = 500;
    float[] x = new float[rows * features];
    float[] y = new float[rows];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
    for (int i = 0; i < rows; i++) y[i] = (float) rng.nextGaussian();
    double[] mean = new double[features];
    double[] scale = new double[features];
    Arrays.fill(scale, 1.0);
    StepFunction f = new StepFunction(objective, new Standardization(mean, scale, 0, 1), share, ComputeKernel.FUSED);
    float[] theta = new float[net.numParameters()];
    double[] init = objective.initialParameters(-3.0);
    for (int i = 0; i < theta.length; i++) theta[i] = (float) init[i];
    return f.compute(PartitionBlocks.of(new FeatureBlock(0, rows, features, x, y, 0)), theta, 4, share).gradient;
  }

  @Test
  void aFitWithFewerFeaturesButALargerShareBeforeDoesNotChangeAStep() throws Exception {
    ExecutorService fresh = Executors.newSingleThreadExecutor();
    try {
      float[] alone = fresh.submit(() -> step(20, 64)).get();
      // On another thread: first a fit of 3 features with a share of 300 rows (900 floats of minibatch), then the
      // 20-feature step (1,280 floats): the thread's buffers must grow for it, not be reused as they are.
      ExecutorService other = Executors.newSingleThreadExecutor();
      try {
        float[] after = other.submit(() -> {
          step(3, 300);
          return step(20, 64);
        }).get();
        assertArrayEquals(alone, after, 0f);
      } finally {
        other.shutdownNow();
      }
    } finally {
      fresh.shutdownNow();
    }
  }
}
