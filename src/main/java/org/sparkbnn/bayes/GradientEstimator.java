package org.sparkbnn.bayes;

/** How the expected log-likelihood's gradient is estimated from weight noise. */
public enum GradientEstimator {
  /** One weight sample w = mu + sigma * eps shared by the whole minibatch (Blundell et al. 2015, sec. 3.2). */
  REPARAMETERIZATION("reparameterization"),
  /**
   * Local reparameterisation trick (Kingma, Salimans and Welling 2015, sec. 2.3): sample each row's
   * pre-activations b ~ N(h mu_W + mu_b, h^2 sigma_W^2 + sigma_b^2) directly; lower-variance gradients, but
   * the KL must be in closed form.
   */
  LOCAL_REPARAMETERIZATION("localReparameterization");

  private final String paramValue;

  GradientEstimator(String paramValue) { this.paramValue = paramValue; }

  public String paramValue() { return paramValue; }

  /** The Param value, as users write it (and as the logs show it). */
  @Override public String toString() { return paramValue; }

  public static GradientEstimator parse(String value) {
    for (GradientEstimator e : values()) {
      if (e.paramValue.equalsIgnoreCase(value)) return e;
    }
    throw new IllegalArgumentException(
        "estimator must be one of reparameterization, localReparameterization; got '" + value + "'");
  }
}
