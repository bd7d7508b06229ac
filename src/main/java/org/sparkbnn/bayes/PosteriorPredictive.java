package org.sparkbnn.bayes;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Monte-Carlo posterior predictive of the regression network: T weight samples w_t ~ q(w), drawn once from a
 * seed, so a row's prediction depends only on the row and never on which partition or batch it lands in.
 * For Gaussian outputs (m_t, v_t): mean = (1/T) sum m_t, epistemic variance = (1/T) sum (m_t - mean)^2,
 * aleatoric variance = (1/T) sum v_t; the predictive variance is their sum (law of total variance).
 */
public final class PosteriorPredictive {
  private final BayesianMlp network;
  private final INDArray[] weightSamples;
  private final INDArray likelihoodParameters;

  public PosteriorPredictive(BayesianMlp network, double[] theta, int samples, long seed) {
    if (samples < 1) throw new IllegalArgumentException("predictSamples must be >= 1, got " + samples);
    this.network = network;
    INDArray params = Nd4j.createFromArray(theta).castTo(DataType.FLOAT);
    int numWeights = network.architecture().numWeights();
    this.weightSamples = new INDArray[samples];
    for (int t = 0; t < samples; t++) {
      INDArray eps = GaussianNoise.standardNormal(GaussianNoise.streamKey(seed, 4, t), DataType.FLOAT, numWeights);
      weightSamples[t] = network.sampleWeights(params, eps);
    }
    INDArray lik = network.likelihoodParameters(params);
    this.likelihoodParameters = lik == null ? null : lik.dup();
  }

  public int numSamples() { return weightSamples.length; }

  /**
   * Predictive moments for a batch of standardised rows x (rows x numInputs): returns rows x 3 with columns
   * mean, epistemic variance, aleatoric variance, in the standardised label space.
   */
  public INDArray predict(INDArray x) {
    return ScratchMemory.run("bnn-predict", () -> predictInScratch(x).detach());
  }

  private INDArray predictInScratch(INDArray x) {
    int t = weightSamples.length;
    INDArray means = Nd4j.create(DataType.FLOAT, x.rows(), t);
    INDArray noise = Nd4j.zeros(DataType.FLOAT, x.rows(), 1);
    for (int s = 0; s < t; s++) {
      INDArray out = network.forward(weightSamples[s], x);
      means.getColumn(s, true).assign(network.likelihood().mean(out));
      noise.addi(network.likelihood().noiseVariance(out, likelihoodParameters));
    }
    INDArray mean = means.mean(true, 1);
    INDArray centred = means.subColumnVector(mean);
    INDArray epistemic = centred.muli(centred).mean(true, 1);
    return Nd4j.hstack(mean, epistemic, noise.divi(t));
  }
}
