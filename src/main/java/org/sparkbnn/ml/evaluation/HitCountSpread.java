package org.sparkbnn.ml.evaluation;

import java.io.Serializable;

/**
 * The number of hits S among one ECE bin's rows if each row's prediction were right with exactly its stated
 * confidence p_i (a perfectly calibrated classifier): S is Poisson-binomial with mean sum p_i and variance
 * sum p_i (1 - p_i). {@link #expectedAbsoluteDeviation()} is E|S - sum p_i|, what that bin adds to the ECE's
 * numerator by sampling noise alone. Exact (S's distribution, convolved one row at a time) up to
 * {@value #EXACT_ROWS} rows; above, where the central limit theorem holds to well under 1% for these sums, the
 * normal value sqrt(2 / pi * variance).
 */
final class HitCountSpread implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int EXACT_ROWS = 1000;

  private long rows;
  private double mean;
  private double variance;
  /** P(S = k) for k = 0..rows while rows <= EXACT_ROWS, else null. */
  private double[] distribution = {1.0};

  void add(double p) {
    rows++;
    mean += p;
    variance += p * (1 - p);
    if (distribution == null) return;
    if (rows > EXACT_ROWS) {
      distribution = null;
      return;
    }
    double[] next = new double[distribution.length + 1];
    for (int k = 0; k < distribution.length; k++) {
      next[k] += distribution[k] * (1 - p);
      next[k + 1] += distribution[k] * p;
    }
    distribution = next;
  }

  /** The bin's rows of another partial: S is the sum of two independent counts, so the distributions convolve. */
  void merge(HitCountSpread other) {
    rows += other.rows;
    mean += other.mean;
    variance += other.variance;
    if (distribution == null || other.distribution == null || rows > EXACT_ROWS) {
      distribution = null;
      return;
    }
    double[] sum = new double[distribution.length + other.distribution.length - 1];
    for (int i = 0; i < distribution.length; i++) {
      for (int j = 0; j < other.distribution.length; j++) sum[i + j] += distribution[i] * other.distribution[j];
    }
    distribution = sum;
  }

  double expectedAbsoluteDeviation() {
    if (distribution == null) return Math.sqrt(2 / Math.PI * variance);
    double e = 0;
    for (int k = 0; k < distribution.length; k++) e += distribution[k] * Math.abs(k - mean);
    return e;
  }
}
