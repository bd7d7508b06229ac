package org.sparkbnn.bayes;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Monte-Carlo posterior predictive of the regression network. For Gaussian outputs (m_t, v_t) of the T weight
 * samples: mean = (1/T) sum m_t, epistemic variance = (1/T) sum (m_t - mean)^2, aleatoric variance =
 * (1/T) sum v_t; the predictive variance is their sum (law of total variance).
 */
public final class GaussianPredictive {
  private final PosteriorSamples samples;
  private final GaussianLikelihood likelihood;

  public GaussianPredictive(BayesianMlp network, double[] theta, int samples, long seed) {
    if (!(network.likelihood() instanceof GaussianLikelihood)) {
      throw new IllegalArgumentException("a Gaussian predictive needs a Gaussian likelihood, the network has "
          + network.likelihood().getClass().getSimpleName());
    }
    this.samples = new PosteriorSamples(network, theta, samples, seed);
    this.likelihood = (GaussianLikelihood) network.likelihood();
  }

  public int numSamples() { return samples.size(); }

  /**
   * Predictive moments for a batch of standardised rows x (rows x numInputs): returns rows x 3 with columns
   * mean, epistemic variance, aleatoric variance, in the standardised label space.
   */
  public INDArray predict(INDArray x) {
    return ScratchMemory.run("bnn-predict", () -> predictInScratch(x).detach());
  }

  private INDArray predictInScratch(INDArray x) {
    int t = samples.size();
    INDArray means = Nd4j.create(DataType.FLOAT, x.rows(), t);
    INDArray noise = Nd4j.zeros(DataType.FLOAT, x.rows(), 1);
    for (int s = 0; s < t; s++) {
      INDArray out = samples.output(s, x);
      means.getColumn(s, true).assign(likelihood.mean(out));
      noise.addi(likelihood.noiseVariance(out, samples.likelihoodParameters()));
    }
    INDArray mean = means.mean(true, 1);
    INDArray centred = means.subColumnVector(mean);
    INDArray epistemic = centred.muli(centred).mean(true, 1);
    return Nd4j.hstack(mean, epistemic, noise.divi(t));
  }
}
