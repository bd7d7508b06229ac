package org.sparkbnn.bayes;

/**
 * How the KL term is spread over the M minibatch steps of an epoch, as the factor w_i in the per-step
 * objective (N/B) NLL_i + w_i KL (the per-step unbiased estimate of the full negative ELBO when w_i = 1).
 */
public enum KlWeighting {
  /** w_i = 1: every step sees the whole KL once (Blundell et al. 2015, eq. 8 with pi_i = 1/M, scaled by M). */
  UNIFORM("uniform"),
  /**
   * Blundell et al. (2015), sec. 3.4: pi_i = 2^(M-i) / (2^M - 1), i = 1..M, so early minibatches are pulled
   * to the prior and late ones are fitted to the data; w_i = M pi_i. Evaluated as M 2^-i / (1 - 2^-M), which
   * neither overflows for large M nor divides by zero.
   */
  BLUNDELL("blundell");

  private final String paramValue;

  KlWeighting(String paramValue) { this.paramValue = paramValue; }

  public String paramValue() { return paramValue; }

  /** The Param value, as users write it (and as the logs show it). */
  @Override public String toString() { return paramValue; }

  /** w_i for the step with 0-based index {@code stepInEpoch} of an epoch of {@code stepsPerEpoch} steps. */
  public double weight(long stepInEpoch, long stepsPerEpoch) {
    if (this == UNIFORM) return 1.0;
    double i = stepInEpoch + 1;
    double logWeight = Math.log(stepsPerEpoch) - i * Math.log(2) - Math.log1p(-Math.pow(2, -stepsPerEpoch));
    return Math.exp(logWeight);
  }

  public static KlWeighting parse(String value) {
    for (KlWeighting k : values()) {
      if (k.paramValue.equalsIgnoreCase(value)) return k;
    }
    throw new IllegalArgumentException("klWeighting must be one of uniform, blundell; got '" + value + "'");
  }
}
