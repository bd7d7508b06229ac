package org.sparkbnn.bayes;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Observation model p(y | network output) as the trainer sees it: outputs per row, point-estimated parameters,
 * and the summed negative log-likelihood with its gradients. What a prediction means (a Gaussian's moments,
 * class probabilities) belongs to the predictives, {@link GaussianPredictive} and {@link CategoricalPredictive}.
 */
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

  /**
   * The same on primitive arrays (the fused CPU kernel): {@code out} and {@code gradOut} are rows x numOutputs
   * row-major, {@code y} has one value per row, the likelihood's parameters start at {@code params[paramOffset]}
   * and their gradient is added at {@code gradParams[paramOffset]}. Sums are taken in float64.
   */
  double negLogLikelihood(float[] out, float[] y, int rows, float[] params, int paramOffset, float[] gradOut,
                          float[] gradParams);
}
