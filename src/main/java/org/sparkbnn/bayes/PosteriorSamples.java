package org.sparkbnn.bayes;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * T weight samples w_t ~ q(w) drawn once from a seed (stream (seed, 4, t)), shared by the regression and
 * classification predictives. Because the samples depend only on the seed, a row's prediction depends only on
 * the row, never on which partition or batch it lands in.
 */
public final class PosteriorSamples {
  private final BayesianMlp network;
  private final INDArray[] weights;
  private final INDArray likelihoodParameters;

  public PosteriorSamples(BayesianMlp network, double[] theta, int samples, long seed) {
    if (samples < 1) throw new IllegalArgumentException("predictSamples must be >= 1, got " + samples);
    this.network = network;
    INDArray params = Nd4j.createFromArray(theta).castTo(DataType.FLOAT);
    int numWeights = network.architecture().numWeights();
    this.weights = new INDArray[samples];
    for (int t = 0; t < samples; t++) {
      INDArray eps = GaussianNoise.standardNormal(GaussianNoise.streamKey(seed, 4, t), DataType.FLOAT, numWeights);
      weights[t] = network.sampleWeights(params, eps);
    }
    INDArray lik = network.likelihoodParameters(params);
    this.likelihoodParameters = lik == null ? null : lik.dup();
  }

  public int size() { return weights.length; }

  public BayesianMlp network() { return network; }

  /** The likelihood's point-estimated parameters (float32), or null when it has none. */
  public INDArray likelihoodParameters() { return likelihoodParameters; }

  /** Network output (rows x numOutputs) of weight sample t for standardised rows x. */
  public INDArray output(int t, INDArray x) {
    return network.forward(weights[t], x);
  }
}
