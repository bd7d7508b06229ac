package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkbnn.bayes.Activation;
import org.sparkbnn.bayes.BayesianMlp;
import org.sparkbnn.bayes.ElboObjective;
import org.sparkbnn.bayes.GaussianLikelihood;
import org.sparkbnn.bayes.GaussianPrior;
import org.sparkbnn.bayes.GradientEstimator;
import org.sparkbnn.bayes.KlWeighting;
import org.sparkbnn.bayes.NetworkArchitecture;
import org.sparkbnn.input.Standardization;
import org.sparkbnn.compute.ComputeKernel;
import org.sparkbnn.input.ColumnMoments;

/** The training loop without Spark: step budget, determinism, and that it fits a line. */
class TrainingLoopTest {

  /** y = 2x + 1 + N(0, 0.05^2): 30 rows in one block, 10 in another. */
  private static List<FeatureBlock> blocks() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
    float[][] x = new float[2][];
    float[][] y = new float[2][];
    int[] sizes = {30, 10};
    for (int p = 0; p < 2; p++) {
      x[p] = new float[sizes[p]];
      y[p] = new float[sizes[p]];
      for (int i = 0; i < sizes[p]; i++) {
        x[p][i] = (float) rng.nextDouble(-1, 1);
        y[p][i] = (float) (2 * x[p][i] + 1 + 0.05 * rng.nextGaussian());
      }
    }
    return List.of(new FeatureBlock(0, 30, 1, x[0], y[0], 0), new FeatureBlock(1, 10, 1, x[1], y[1], 0));
  }

  static TrainingLoop.Result train(int maxEpochs, long maxSteps) {
    return train(maxEpochs, maxSteps, e -> { }, Checkpointer.NONE);
  }

  static TrainingLoop.Result train(int maxEpochs, long maxSteps, java.util.function.Consumer<EpochSummary> onEpoch,
                                   Checkpointer checkpointer) {
    BayesianMlp net = new BayesianMlp(new NetworkArchitecture(1, new int[] {8}, 1, Activation.TANH),
        GaussianLikelihood.homoscedastic(0.1));
    TrainingConfig config = new TrainingConfig(
        new ElboObjective(net, new GaussianPrior(1.0), GradientEstimator.LOCAL_REPARAMETERIZATION, 1, 5L),
        10, maxEpochs, maxSteps, 0.02, KlWeighting.UNIFORM, -5.0, ComputeKernel.FUSED);
    ColumnMoments m = new ColumnMoments(2);
    for (FeatureBlock b : blocks()) m.merge(b.moments());
    return TrainingLoop.run(config, Standardization.fromMoments(m, 1), new LocalGradientSource(blocks()), onEpoch,
        checkpointer);
  }

  @Test
  void maxStepsCapsTrainingMidEpoch() {
    TrainingLoop.Result capped = train(5, 7);
    assertEquals(7, capped.timings.steps());
    assertEquals(2, capped.history.size(), "4 steps per epoch: 7 steps end in the second epoch");
    assertEquals(20, train(5, 0).timings.steps(), "maxSteps=0 means no cap");
  }

  @Test
  void sameInputsGiveIdenticalParametersAndTheLossFalls() {
    TrainingLoop.Result a = train(150, 0);
    TrainingLoop.Result b = train(150, 0);
    assertArrayEquals(a.theta, b.theta, 0.0);
    double first = a.history.get(0).negativeElbo();
    double last = a.history.get(a.history.size() - 1).negativeElbo();
    assertTrue(last < first - 0.5, "-ELBO per row should fall: " + first + " -> " + last);
  }
}
