package org.sparkbnn.train;

import java.io.Serializable;

/** Per-epoch training history: averages over the epoch's steps, per training row. */
public record EpochSummary(int epoch, double negativeElbo, double nll, double kl, double rowsPerSecond)
    implements Serializable {
  // negativeElbo: -ELBO / N = NLL per row + KL / N (estimated on the epoch's minibatches); nll: average minibatch
  // negative log-likelihood per row (standardised label units); kl: KL(q || p) averaged over the epoch's steps.

  @Override
  public String toString() {
    return String.format("epoch %d: -ELBO/row %.5f, NLL/row %.5f, KL %.2f, %.0f rows/s",
        epoch, negativeElbo, nll, kl, rowsPerSecond);
  }
}
