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
   * The same on float64 arrays (the fused CPU kernel, which widens its float32 outputs into them): {@code out} and
   * {@code gradOut} are rows x numOutputs row-major, {@code y} has one value per row, {@code params} holds the
   * likelihood's parameters and their gradient is added into {@code gradParams}.
   */
  double negLogLikelihood(double[] out, double[] y, int rows, double[] params, double[] gradOut, double[] gradParams);
}
