package org.sparkbnn.bayes;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Observation model p(y | network output); outputs are in the standardised label space. */
public interface Likelihood extends Serializable {

  /** Network outputs per row that this likelihood reads. */
  int numOutputs();

  /** Point-estimated parameters of the likelihood itself (e.g. a homoscedastic log noise variance). */
  int numParameters();

  /** Initial values of those parameters. */
  double[] initialParameters();

  /**
   * Sum over rows of -log p(y | out); writes dNLL/dout (rows x numOutputs) into {@code gradOut} and adds
   * dNLL/dparams into {@code gradParams}.
   */
  double negLogLikelihood(INDArray out, INDArray y, INDArray params, INDArray gradOut, INDArray gradParams);

  /** Predictive mean per row (rows x 1) for one weight sample. */
  INDArray mean(INDArray out);

  /** Noise (aleatoric) variance per row (rows x 1) for one weight sample. */
  INDArray noiseVariance(INDArray out, INDArray params);
}
