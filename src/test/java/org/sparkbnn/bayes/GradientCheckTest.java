package org.sparkbnn.bayes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Analytic gradients of the whole per-step objective (data term + KL term) against central finite differences
 * in float64, for every combination of estimator, likelihood, prior and activation. With fixed noise keys
 * the objective is a deterministic smooth function of theta, so the check is exact up to O(h^2).
 */
public class GradientCheckTest {
  private static final double H = 1e-6;
  private static final double TOLERANCE = 1e-6;

  /** Every estimator x likelihood x activation x prior the objective supports (shared with the fused kernel's tests). */
  public static Stream<Arguments> configurations() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (GradientEstimator estimator : GradientEstimator.values()) {
      for (String likelihood : new String[] {"homoscedastic", "heteroscedastic", "categorical"}) {
        for (Activation activation : Activation.values()) {
          b.add(Arguments.of(estimator, likelihood, activation, "gaussian"));
          b.add(Arguments.of(estimator, likelihood, activation, "posterior"));
          if (estimator == GradientEstimator.REPARAMETERIZATION) {
            b.add(Arguments.of(estimator, likelihood, activation, "scaleMixture"));
          }
        }
      }
    }
    return b.build();
  }

  /**
   * The prior named by a configuration: N(0, 0.8^2), a scale mixture, or a previous posterior (one Gaussian per
   * weight, with means and standard deviations spread so that every weight's term differs).
   */
  public static Prior prior(String name, NetworkArchitecture arch) {
    if (name.equals("gaussian")) return new GaussianPrior(0.8);
    if (name.equals("scaleMixture")) return new ScaleMixturePrior(0.4, 1.0, 0.05);
    SplittableRandom rng = new SplittableRandom(11);
    double[] mean = new double[arch.numWeights()];
    double[] sigma = new double[arch.numWeights()];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = 0.5 * rng.nextGaussian();
      sigma[i] = rng.nextDouble(0.1, 1.5);
    }
    return new PosteriorPrior(mean, sigma);
  }

  @ParameterizedTest(name = "{0} {1} {2} prior={3}")
  @MethodSource("configurations")
  void analyticGradientMatchesFiniteDifferences(GradientEstimator estimator, String likelihoodName,
                                                Activation activation, String priorName) {
    Likelihood likelihood = likelihoodName.equals("categorical") ? new CategoricalLikelihood(3)
        : likelihoodName.equals("heteroscedastic") ? GaussianLikelihood.heteroscedastic()
        : GaussianLikelihood.homoscedastic(0.3);
    NetworkArchitecture arch = new NetworkArchitecture(3, new int[] {5, 4}, likelihood.numOutputs(), activation);
    BayesianMlp net = new BayesianMlp(arch, likelihood);
    ElboObjective objective = new ElboObjective(net, prior(priorName, arch), estimator, 2, 17L);

    double[] theta = objective.initialParameters(-2.0);
    SplittableRandom rng = new SplittableRandom(5);
    // Move rho and the noise variance away from their constant init so every derivative term is exercised.
    for (int i = 0; i < theta.length; i++) theta[i] += 0.3 * rng.nextGaussian();
    // Inputs from a seeded generator, not ND4J's global one (whose state depends on the tests run before): with
    // ReLU, a pre-activation within H of 0 would put a kink inside the central difference, a failure of the
    // check, not of the gradient (one such draw failed CI once).
    INDArray x = gaussianMatrix(rng, 7, 3);
    INDArray y = likelihood instanceof CategoricalLikelihood
        ? Nd4j.createFromArray(new double[] {0, 1, 2, 2, 1, 0, 1}).reshape(7, 1)
        : gaussianMatrix(rng, 7, 1);
    long step = 3;
    double klWeight = 0.7;
    long n = 50;

    ToDoubleFunction<double[]> loss = t -> {
      INDArray th = Nd4j.createFromArray(t);
      INDArray ignored = th.ulike().assign(0.0);
      double nll = objective.addDataGradient(th, x, y, step, 0, 7, ignored);
      double kl = objective.addKlGradient(th, step, klWeight, n, ignored);
      return nll / 7 + klWeight * kl / n;
    };
    INDArray th = Nd4j.createFromArray(theta);
    INDArray grad = th.ulike().assign(0.0);
    objective.addDataGradient(th, x, y, step, 0, 7, grad);
    objective.addKlGradient(th, step, klWeight, n, grad);
    double[] analytic = grad.toDoubleVector();

    double[] numeric = centralDifferences(theta, H, loss);
    // Relative error per parameter block: each layer's mu and rho, and the likelihood parameters.
    for (int l = 0; l < arch.numLayers(); l++) {
      int from = arch.weightOffset(l);
      int to = arch.weightOffset(l + 1);
      assertBlock("layer " + l + " mu", analytic, numeric, arch.muOffset() + from, arch.muOffset() + to);
      assertBlock("layer " + l + " rho", analytic, numeric, arch.rhoOffset() + from, arch.rhoOffset() + to);
    }
    if (likelihood.numParameters() > 0) {
      assertBlock("likelihood", analytic, numeric, arch.likelihoodOffset(), theta.length);
    }
  }

  /** (L(theta + h e_i) - L(theta - h e_i)) / 2h for every i (shared with the fused kernel's checks). */
  public static double[] centralDifferences(double[] theta, double h, ToDoubleFunction<double[]> loss) {
    double[] numeric = new double[theta.length];
    for (int i = 0; i < theta.length; i++) {
      double[] plus = theta.clone();
      double[] minus = theta.clone();
      plus[i] += h;
      minus[i] -= h;
      numeric[i] = (loss.applyAsDouble(plus) - loss.applyAsDouble(minus)) / (2 * h);
    }
    return numeric;
  }

  private static INDArray gaussianMatrix(SplittableRandom rng, int rows, int columns) {
    double[] values = new double[rows * columns];
    for (int i = 0; i < values.length; i++) values[i] = rng.nextGaussian();
    return Nd4j.createFromArray(values).reshape(rows, columns);
  }

  private static void assertBlock(String name, double[] a, double[] n, int from, int to) {
    double diff = 0;
    double norm = 0;
    for (int i = from; i < to; i++) {
      diff += (a[i] - n[i]) * (a[i] - n[i]);
      norm += Math.max(a[i] * a[i], n[i] * n[i]);
    }
    double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
    assertTrue(norm > 0, name + ": gradient is identically zero");
    assertTrue(rel < TOLERANCE, name + ": relative error " + rel);
  }
}
