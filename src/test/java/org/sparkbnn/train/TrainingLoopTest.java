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
    return train(maxEpochs, maxSteps, 0, 1.0, onEpoch, checkpointer);
  }

  static TrainingLoop.Result train(int maxEpochs, long maxSteps, long minSteps, double klScale,
                                   java.util.function.Consumer<EpochSummary> onEpoch, Checkpointer checkpointer) {
    BayesianMlp net = new BayesianMlp(new NetworkArchitecture(1, new int[] {8}, 1, Activation.TANH),
        GaussianLikelihood.homoscedastic(0.1));
    TrainingConfig config = new TrainingConfig(
        new ElboObjective(net, new GaussianPrior(1.0), GradientEstimator.LOCAL_REPARAMETERIZATION, 1, 5L),
        10, maxEpochs, maxSteps, minSteps, 0.02, KlWeighting.UNIFORM, klScale, -5.0, ComputeKernel.FUSED);
    ColumnMoments m = new ColumnMoments(2);
    for (FeatureBlock b : blocks()) m.merge(b.moments());
    return TrainingLoop.run(config, Standardization.fromMoments(m, 1), new LocalGradientSource(blocks()), onEpoch,
        checkpointer);
  }

  /**
   * klScale = beta weighs the KL term: for a weight whose summed NLL has curvature h, the beta-objective's optimal
   * mean-field variance is sigma^2 = 1 / (h / beta + 1 / s^2) (s the prior sd; Gaussian approximation), which grows
   * with beta for every weight, so a smaller beta leaves the posterior narrower. Where the data dominate
   * (h / beta >> 1 / s^2) sigma scales as sqrt(beta): sqrt(0.3) = 0.55; weights the data barely constrain stay
   * near the prior whatever beta, so the mean over all weights falls by less. Before convergence the ratio is
   * smaller still: from the small initial sigma (softplus(-5) = 0.0067) the KL term's pull on sigma,
   * beta (sigma / s^2 - 1 / sigma), is itself proportional to beta (0.21 for these 150 epochs). Asserted: the
   * geometric mean of sigma over the weights is at least 10% smaller at beta = 0.3 than at 1, and the fit is as good
   * (its last epoch's NLL no higher).
   */
  @Test
  void aSmallerKlScaleGivesANarrowerPosterior() {
    TrainingLoop.Result elbo = train(150, 0, 0, 1.0, e -> { }, Checkpointer.NONE);
    TrainingLoop.Result tempered = train(150, 0, 0, 0.3, e -> { }, Checkpointer.NONE);
    double ratio = Math.exp(meanLogSigma(tempered.theta) - meanLogSigma(elbo.theta));
    assertTrue(ratio < 0.9, "geometric mean sigma at klScale 0.3 / at 1: " + ratio);
    double nllElbo = elbo.history.get(elbo.history.size() - 1).nll();
    double nllTempered = tempered.history.get(tempered.history.size() - 1).nll();
    assertTrue(nllTempered <= nllElbo, "NLL/row " + nllTempered + " at klScale 0.3, " + nllElbo + " at 1");
  }

  private static double meanLogSigma(double[] theta) {
    NetworkArchitecture arch = new NetworkArchitecture(1, new int[] {8}, 1, Activation.TANH);
    double sum = 0;
    for (int i = 0; i < arch.numWeights(); i++) {
      sum += Math.log(org.sparkbnn.bayes.StableMath.softplus(theta[arch.rhoOffset() + i]));
    }
    return sum / arch.numWeights();
  }

  @Test
  void maxStepsCapsTrainingMidEpoch() {
    TrainingLoop.Result capped = train(5, 7);
    assertEquals(7, capped.timings.steps());
    assertEquals(2, capped.history.size(), "4 steps per epoch: 7 steps end in the second epoch");
    assertEquals(20, train(5, 0).timings.steps(), "maxSteps=0 means no cap");
  }

  /** 40 rows at batch 10: 4 steps an epoch. */
  @Test
  void minStepsAddsWholeEpochsPastMaxEpochsAndMaxStepsStillCaps() {
    TrainingLoop.Result extended = train(2, 0, 9, 1.0, e -> { }, Checkpointer.NONE);
    assertEquals(12, extended.timings.steps(), "9 steps need ceil(9 / 4) = 3 whole epochs");
    assertEquals(3, extended.history.size());
    assertEquals(8, train(2, 0, 8, 1.0, e -> { }, Checkpointer.NONE).timings.steps(),
        "maxEpochs already gives minSteps: nothing added");
    assertEquals(10, train(2, 10, 100, 1.0, e -> { }, Checkpointer.NONE).timings.steps(), "maxSteps caps minSteps");
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
