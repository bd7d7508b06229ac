package org.sparkbnn.train;

import java.io.Serializable;

/** Per-epoch training history: averages over the epoch's steps, per training row. */
public final class EpochSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int epoch;
  private final double negativeElbo;
  private final double nll;
  private final double kl;
  private final double rowsPerSecond;

  public EpochSummary(int epoch, double negativeElbo, double nll, double kl, double rowsPerSecond) {
    this.epoch = epoch;
    this.negativeElbo = negativeElbo;
    this.nll = nll;
    this.kl = kl;
    this.rowsPerSecond = rowsPerSecond;
  }

  public int epoch() { return epoch; }
  /** -ELBO / N = NLL per row + KL / N (estimated on the epoch's minibatches). */
  public double negativeElbo() { return negativeElbo; }
  /** Average minibatch negative log-likelihood per row (standardised label units). */
  public double nll() { return nll; }
  /** KL(q || p) at the end of the epoch's steps (averaged over them). */
  public double kl() { return kl; }
  public double rowsPerSecond() { return rowsPerSecond; }

  @Override
  public String toString() {
    return String.format("epoch %d: -ELBO/row %.5f, NLL/row %.5f, KL %.2f, %.0f rows/s",
        epoch, negativeElbo, nll, kl, rowsPerSecond);
  }
}
