package org.sparkbnn.bayes;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A fully factorised prior p(w) over every weight and bias: one of the three the stages offer. */
public sealed interface Prior extends Serializable permits GaussianPrior, ScaleMixturePrior, PosteriorPrior {

  /** How many weights the prior is defined for, or -1 when it is the same for every weight (any network). */
  default int numWeights() { return -1; }

  /** Whether {@link #closedFormKl} is available (required by the local reparameterisation trick). */
  boolean hasClosedFormKl();

  /**
   * KL(q || p) for q = N(mu, sigma^2) summed over all weights; adds dKL/dmu and dKL/dsigma into the gradient
   * arrays. Only for priors with {@link #hasClosedFormKl()}.
   */
  double closedFormKl(INDArray mu, INDArray sigma, INDArray gradMu, INDArray gradSigma);

  /** log p(w) summed over all weights; writes d log p / dw element-wise into {@code gradW}. */
  double logDensity(INDArray w, INDArray gradW);

  /**
   * {@link #closedFormKl} on primitive arrays (the fused CPU kernel), over the weights from..to only: their KL, and
   * their gradients added into gradMu[from..to) and gradSigma[from..to). The fused kernel sums it over fixed blocks
   * of weights, so that the tasks of a collective fit can each compute their own ({@code FusedElbo.KL_BLOCK}).
   */
  double closedFormKl(double[] mu, double[] sigma, int from, int to, double[] gradMu, double[] gradSigma);

  /** {@link #logDensity} on primitive arrays of the first {@code n} weights (the fused CPU kernel). */
  double logDensity(double[] w, int n, double[] gradW);
}
