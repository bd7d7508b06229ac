package org.sparkbnn.bayes;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-step negative ELBO, normalised per training row so that learning rates do not depend on N:
 * <pre>  L_i = NLL(batch_i) / B + w_i KL(q || p) / N  =  [ (N/B) NLL(batch_i) + w_i KL ] / N  </pre>
 * with the expected NLL estimated from {@code trainSamples} Monte-Carlo weight samples. The data term is a sum
 * over rows, so partitions compute their rows' share independently ({@link #addDataGradient}); the KL is added
 * once per global step by the driver ({@link #addKlGradient}), never once per partition.
 */
public final class ElboObjective implements Serializable {
  private static final long serialVersionUID = 1L;

  private final BayesianMlp network;
  private final Prior prior;
  private final GradientEstimator estimator;
  private final int trainSamples;
  private final long seed;

  public ElboObjective(BayesianMlp network, Prior prior, GradientEstimator estimator, int trainSamples, long seed) {
    if (estimator == GradientEstimator.LOCAL_REPARAMETERIZATION && !prior.hasClosedFormKl()) {
      throw new IllegalArgumentException("estimator=localReparameterization needs a prior with a closed-form KL"
          + " (prior=gaussian); the scale-mixture prior needs estimator=reparameterization");
    }
    int weights = network.architecture().numWeights();
    if (prior.numWeights() >= 0 && prior.numWeights() != weights) {
      throw new IllegalArgumentException("the prior is defined for " + prior.numWeights() + " weights, the network"
          + " has " + weights);
    }
    if (trainSamples < 1) throw new IllegalArgumentException("trainSamples must be >= 1, got " + trainSamples);
    this.network = network;
    this.prior = prior;
    this.estimator = estimator;
    this.trainSamples = trainSamples;
    this.seed = seed;
  }

  public BayesianMlp network() { return network; }
  public long seed() { return seed; }
  public Prior prior() { return prior; }
  public GradientEstimator estimator() { return estimator; }
  public int trainSamples() { return trainSamples; }

  /**
   * Adds d/dtheta of sum_rows NLL / (B * S) for this partition's rows of the global minibatch (size B) into
   * {@code grad}; returns the partition's NLL sum averaged over the S samples.
   */
  public double addDataGradient(INDArray theta, INDArray x, INDArray y, long step, int partition,
                                int globalBatchSize, INDArray grad) {
    INDArray sampleGrad = grad.ulike().assign(0.0);
    double nll = 0;
    for (int s = 0; s < trainSamples; s++) {
      WeightNoise noise = new WeightNoise(seed, step, s, partition, theta.dataType());
      nll += network.accumulateNllGradient(theta, x, y, estimator, noise, sampleGrad);
    }
    grad.addi(sampleGrad.muli(1.0 / ((double) globalBatchSize * trainSamples)));
    return nll / trainSamples;
  }

  /**
   * Adds d/dtheta of klWeight * KL / N into {@code grad} and returns KL. The Monte-Carlo KL uses the same weight
   * samples as the data term of this step (the noise is keyed by seed, step and sample only).
   */
  public double addKlGradient(INDArray theta, long step, double klWeight, long numRows, INDArray grad) {
    INDArray gradMu = network.mu(theta).ulike().assign(0.0);
    INDArray gradRho = gradMu.dup();
    double kl;
    if (prior.hasClosedFormKl()) {
      kl = KlDivergence.closedForm(prior, network.mu(theta), network.rho(theta), gradMu, gradRho);
    } else {
      kl = 0;
      for (int s = 0; s < trainSamples; s++) {
        INDArray eps = new WeightNoise(seed, step, s, 0, theta.dataType())
            .weightEps(network.architecture().numWeights());
        kl += KlDivergence.monteCarlo(prior, network.mu(theta), network.rho(theta), eps, gradMu, gradRho);
      }
      kl /= trainSamples;
      gradMu.divi(trainSamples);
      gradRho.divi(trainSamples);
    }
    double scale = klWeight / numRows;
    network.mu(grad).addi(gradMu.muli(scale));
    network.rho(grad).addi(gradRho.muli(scale));
    return kl;
  }

  /** Initial flat parameters: mu with a He-style uniform init, rho = rhoInit, likelihood defaults. */
  public double[] initialParameters(double rhoInit) {
    NetworkArchitecture a = network.architecture();
    double[] theta = new double[network.numParameters()];
    SplittableRandom rng = new SplittableRandom(GaussianNoise.streamKey(seed, 0));
    for (int l = 0; l < a.numLayers(); l++) {
      int nIn = a.layerInputs(l);
      int offset = a.weightOffset(l);
      // U(-b, b) with b = sqrt(6 / nIn) / 2: the reference model's init; biases start at 0.
      double bound = Math.sqrt(6.0 / nIn) / 2;
      for (int i = 0; i < nIn * a.layerOutputs(l); i++) theta[offset + i] = rng.nextDouble(-bound, bound);
    }
    Arrays.fill(theta, a.rhoOffset(), a.rhoOffset() + a.numWeights(), rhoInit);
    double[] lik = network.likelihood().initialParameters();
    System.arraycopy(lik, 0, theta, a.likelihoodOffset(), lik.length);
    return theta;
  }
}
