package org.sparkbnn.bayes;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * KL(q || p) between the mean-field posterior q(w) = prod N(mu, softplus(rho)^2) and the prior, with its
 * gradient with respect to mu and rho (chain rule: dsigma/drho = sigmoid(rho)).
 */
public final class KlDivergence {
  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  private KlDivergence() {}

  /** Closed-form KL; adds dKL/dmu and dKL/drho into the gradient arrays (all arrays of equal length). */
  public static double closedForm(Prior prior, INDArray mu, INDArray rho, INDArray gradMu, INDArray gradRho) {
    INDArray sigma = StableMath.softplus(rho);
    INDArray gradSigma = Nd4j.zerosLike(sigma);
    double kl = prior.closedFormKl(mu, sigma, gradMu, gradSigma);
    gradRho.addi(gradSigma.muli(StableMath.sigmoid(rho)));
    return kl;
  }

  /**
   * One-sample Monte-Carlo estimate log q(w) - log p(w) at w = mu + sigma * eps (Blundell et al. 2015,
   * eq. 2 with f(w, theta) = log q(w|theta) - log P(w)). With w reparameterised, log q(w) = -sum(log sigma +
   * eps^2/2 + log(2 pi)/2), so the total derivatives are
   * dKL/dmu = -dlogp/dw and dKL/dsigma = -1/sigma - eps * dlogp/dw.
   */
  public static double monteCarlo(Prior prior, INDArray mu, INDArray rho, INDArray eps,
                                  INDArray gradMu, INDArray gradRho) {
    INDArray sigma = StableMath.softplus(rho);
    INDArray w = sigma.mul(eps).addi(mu);
    INDArray dLogP = w.ulike();
    double logP = prior.logDensity(w, dLogP);
    double logQ = -Transforms.log(sigma, true).sumNumber().doubleValue()
        - 0.5 * eps.mul(eps).sumNumber().doubleValue() - HALF_LOG_2PI * mu.length();
    gradMu.subi(dLogP);
    INDArray gradSigma = Transforms.pow(sigma, -1, true).addi(dLogP.muli(eps)).negi();
    gradRho.addi(gradSigma.muli(StableMath.sigmoid(rho)));
    return logQ - logP;
  }
}
