package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkbnn.bayes.Activation;
import org.sparkbnn.bayes.BayesianMlp;
import org.sparkbnn.bayes.ElboObjective;
import org.sparkbnn.bayes.GaussianLikelihood;
import org.sparkbnn.bayes.GaussianPrior;
import org.sparkbnn.bayes.GradientEstimator;
import org.sparkbnn.bayes.NetworkArchitecture;
import org.sparkbnn.bayes.PosteriorPrior;
import org.sparkbnn.bayes.Prior;
import org.sparkbnn.bayes.ScaleMixturePrior;
import org.sparkbnn.bayes.StableMath;
import org.sparkbnn.bayes.cpu.FusedElbo;
import org.sparkbnn.compute.ComputeKernel;
import org.sparkbnn.input.Standardization;

/**
 * The KL term shared out among the tasks of a collective fit: each task's run of blocks, sent and read back as
 * AllReduce sends them, completes every task's term with the same bits as one process computing all of it.
 */
class KlTermTest {
  /** 13 inputs, [50, 30] hidden, one output: 2,261 weights, eight whole blocks of 256 and a part one. */
  private static final NetworkArchitecture ARCH = new NetworkArchitecture(13, new int[] {50, 30}, 1, Activation.RELU);
  private static final long STEP = 11;
  private static final double KL_WEIGHT = 0.5;
  private static final long ROWS = 1000;
  private static final int NUM_PARAMETERS =
      new BayesianMlp(ARCH, GaussianLikelihood.homoscedastic(0.1)).numParameters();

  private static StepFunction function(Prior prior, ComputeKernel kernel) {
    BayesianMlp net = new BayesianMlp(ARCH, GaussianLikelihood.homoscedastic(0.1));
    ElboObjective objective = new ElboObjective(net, prior, GradientEstimator.REPARAMETERIZATION, 1, 5L);
    Standardization identity = new Standardization(new double[13], ones(13), 0, 1);
    return new StepFunction(objective, identity, 64, kernel);
  }

  private static double[] ones(int n) {
    double[] a = new double[n];
    Arrays.fill(a, 1.0);
    return a;
  }

  /** Parameters with means and rhos spread out, so that every weight's terms differ. */
  private static double[] theta() {
    SplittableRandom rng = new SplittableRandom(3);
    double[] theta = new double[NUM_PARAMETERS];
    for (int i = 0; i < ARCH.numWeights(); i++) {
      theta[i] = rng.nextGaussian() * 0.4;
      theta[ARCH.rhoOffset() + i] = -6 + 5 * rng.nextDouble();
    }
    return theta;
  }

  private static long[] bits(double[] a) {
    return Arrays.stream(a).mapToLong(Double::doubleToRawLongBits).toArray();
  }

  /** Every task's gradient (added to zeros) and value after exchanging shares; the whole term's first. */
  private static void assertSharesGiveTheWholeTerm(Prior prior, int size) {
    StepFunction f = function(prior, ComputeKernel.FUSED);
    double[] params = theta();
    int n = params.length;
    KlTerm whole = new KlTerm(f, params, ROWS);
    whole.prepare(STEP, KL_WEIGHT);
    whole.run();
    double[] expected = new double[n];
    double expectedKl = whole.addTo(expected);

    KlTerm[] tasks = new KlTerm[size];
    ByteBuffer[] messages = new ByteBuffer[size];
    for (int r = 0; r < size; r++) {
      tasks[r] = new KlTerm(f, params, ROWS);
      assertTrue(tasks[r].inBlocks());
      tasks[r].prepare(STEP, KL_WEIGHT);
      tasks[r].computeShare(r, size);
      messages[r] = ByteBuffer.allocate(tasks[r].shareBytes(r, size)).order(ByteOrder.LITTLE_ENDIAN);
      tasks[r].writeShare(messages[r], r, size);
      assertEquals(0, messages[r].remaining(), "the share fills its bytes");
    }
    for (int r = 0; r < size; r++) {
      for (int p = 0; p < size; p++) {
        if (p != r) tasks[r].readShare(messages[p].duplicate().order(ByteOrder.LITTLE_ENDIAN).flip(), p, size);
      }
      tasks[r].sumShares();
      double[] got = new double[n];
      double kl = tasks[r].addTo(got);
      assertArrayEquals(bits(expected), bits(got), "task " + r + " of " + size);
      assertEquals(Double.doubleToRawLongBits(expectedKl), Double.doubleToRawLongBits(kl), "task " + r + " of " + size);
    }
  }

  @Test
  void sharesOfTheGaussianPriorsTermGiveTheWholeTermBitForBit() {
    // 2 and 4 tasks split the 9 blocks unevenly; 12 tasks leave some with no block at all.
    for (int size : new int[] {1, 2, 4, 12}) assertSharesGiveTheWholeTerm(new GaussianPrior(1.0), size);
  }

  @Test
  void sharesOfAPosteriorPriorsTermGiveTheWholeTermBitForBit() {
    SplittableRandom rng = new SplittableRandom(8);
    double[] mean = new double[ARCH.numWeights()];
    double[] sigma = new double[ARCH.numWeights()];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = rng.nextGaussian() * 0.3;
      sigma[i] = 0.01 + rng.nextDouble();
    }
    for (int size : new int[] {2, 3}) assertSharesGiveTheWholeTerm(new PosteriorPrior(mean, sigma), size);
  }

  @Test
  void theWholeTermIsTheKernelsKlGradientAndItsValueTheBlocksSum() {
    StepFunction f = function(new GaussianPrior(1.0), ComputeKernel.FUSED);
    double[] theta = theta();
    KlTerm term = new KlTerm(f, theta, ROWS);
    term.prepare(STEP, KL_WEIGHT);
    term.run();
    double[] got = new double[theta.length];
    double kl = term.addTo(got);
    double[] direct = new double[theta.length];
    double expectedKl = f.addKlGradient(theta, STEP, KL_WEIGHT, ROWS, direct);
    assertArrayEquals(bits(direct), bits(got));
    assertEquals(expectedKl, kl, 0.0);
    // The closed form summed over all weights at once differs from the blocks' sum by rounding only.
    double s2 = 1.0;
    double exact = 0;
    for (int i = 0; i < ARCH.numWeights(); i++) {
      double q = StableMath.softplus(theta[ARCH.rhoOffset() + i]);
      exact += -Math.log(q) + (q * q + theta[i] * theta[i]) / (2 * s2) - 0.5;
    }
    // 2,261 terms of magnitude up to ~6: a relative error of a few hundred ulp at most.
    assertEquals(exact, kl, 1e-12 * Math.abs(exact));
  }

  @Test
  void onlyTheFusedKernelWithAClosedFormKlComesInBlocks() {
    double[] theta = new double[NUM_PARAMETERS];
    assertFalse(new KlTerm(function(new GaussianPrior(1.0), ComputeKernel.ND4J), theta, ROWS).inBlocks());
    Prior mixture = new ScaleMixturePrior(0.5, 1.0, Math.exp(-6));
    assertFalse(new KlTerm(function(mixture, ComputeKernel.FUSED), theta, ROWS).inBlocks());
    assertEquals(9, FusedElbo.klBlocks(ARCH));
  }
}
