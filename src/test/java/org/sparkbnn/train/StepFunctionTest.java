package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/**
 * A step is a pure function of (theta, partition, seed, step): not of what the thread ran before (the fused kernel's
 * per-thread buffers outlive a fit), nor of when its rows were drawn (a collective task draws them ahead, while it
 * waits for its peers).
 */
class StepFunctionTest {

  private static float[] step(int features, int share) {
    return step(features, share, features);
  }

  /** Step 4's gradient on 500 rows generated from {@code dataSeed}. */
  private static float[] step(int features, int share, long dataSeed) {
    return step(features, share, dataSeed, null);
  }

  /**
   * As above; with {@code batch}, on the rows it holds if they are step 4's (else drawn into it), and into a
   * gradient array that still holds another step's values, as a collective task's does.
   */
  private static float[] step(int features, int share, long dataSeed, Minibatch batch) {
    BayesianMlp net = new BayesianMlp(new NetworkArchitecture(features, new int[] {6}, 1, Activation.RELU),
        GaussianLikelihood.homoscedastic(0.2));
    ElboObjective objective =
        new ElboObjective(net, new GaussianPrior(1.0), GradientEstimator.REPARAMETERIZATION, 1, 9L);
    StepFunction f = new StepFunction(objective, identity(features), share, ComputeKernel.FUSED);
    float[] theta = new float[net.numParameters()];
    double[] init = objective.initialParameters(-3.0);
    for (int i = 0; i < theta.length; i++) theta[i] = (float) init[i];
    PartitionBlocks part = data(features, dataSeed);
    if (batch == null) return f.compute(part, theta, 4, share).gradient;
    float[] previousStep = new float[theta.length];
    Arrays.fill(previousStep, 7f);
    float[] gradient = f.compute(part, theta, 4, share, batch, previousStep).gradient;
    assertSame(previousStep, gradient, "the array is reused");
    return gradient;
  }

  /** The same step and share on other data, earlier on the same thread, must not lend it its rows. */
  @Test
  void anotherFitsStepOfTheSameNumberAndShareDoesNotLendItsRows() throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      float[] alone = thread.submit(() -> step(20, 64, 1L)).get();
      float[] other = thread.submit(() -> step(20, 64, 2L)).get();
      float[] again = thread.submit(() -> step(20, 64, 1L)).get();
      assertFalse(Arrays.equals(alone, other), "different data, different gradient");
      assertArrayEquals(alone, again, 0f);
    } finally {
      thread.shutdownNow();
    }
  }

  /**
   * Rows drawn ahead for the step give the step computed on rows drawn at once, bit for bit; a batch holding
   * another step's rows (here step 5's, the next one) is drawn again rather than used.
   */
  @Test
  void rowsDrawnAheadGiveTheSameGradientAndAnotherStepsRowsAreRedrawn() {
    float[] fresh = step(20, 64, 1L);
    float[] drawnAhead = step(20, 64, 1L, drawnFor(4));
    float[] stale = step(20, 64, 1L, drawnFor(5));
    assertArrayEquals(fresh, drawnAhead, 0f);
    assertArrayEquals(fresh, stale, 0f);
  }

  /** A minibatch of 64 rows drawn for {@code step} from the 20-feature data of seed 1, as {@link #step} draws. */
  private static Minibatch drawnFor(long step) {
    Minibatch batch = new Minibatch().draw(data(20, 1L), 64, identity(20), 9L, step);
    assertTrue(batch.holds(step, 64));
    return batch;
  }

  /** 500 rows of standard normal features and labels from {@code seed}, in one block. */
  private static PartitionBlocks data(int features, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int rows = 500;
    float[] x = new float[rows * features];
    float[] y = new float[rows];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
    for (int i = 0; i < rows; i++) y[i] = (float) rng.nextGaussian();
    return PartitionBlocks.of(new FeatureBlock(0, rows, features, x, y, 0));
  }

  private static Standardization identity(int features) {
    double[] scale = new double[features];
    Arrays.fill(scale, 1.0);
    return new Standardization(new double[features], scale, 0, 1);
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
