package org.sparkbnn.ml.evaluation;

import java.io.Serializable;

/**
 * Running sums of the metrics of a predictive class distribution p (one probability vector per row) against
 * observed class indices; partial sums from partitions are merged. Spark-free, so the formulas are tested alone.
 * <ul>
 *   <li>nll: mean of -log p_y, with p_y floored at {@value #PROBABILITY_FLOOR} so one hard mistake is a large
 *       finite penalty rather than infinity (the convention of common log-loss implementations);</li>
 *   <li>brier: mean of sum_k (p_k - 1[k = y])^2, Brier's (1950) multi-class score, in [0, 2];</li>
 *   <li>ece: expected calibration error (Guo et al. 2017, eq. 3): rows binned by confidence max_k p_k into
 *       equal-width bins, sum_b (n_b / N) |accuracy_b - mean confidence_b|;</li>
 *   <li>accuracy: fraction of rows whose argmax_k p_k (lowest k on ties) is y;</li>
 *   <li>eceFloor: the ECE that a perfectly calibrated classifier with these rows' confidences would score in
 *       expectation, sum_b E|S_b - sum_{i in b} p_i| / N with S_b its number of hits in bin b ({@link
 *       HitCountSpread}). The binned ECE is biased upwards by the sampling noise of each bin's accuracy (Kumar et
 *       al. 2019, sec. 5; Roelofs et al. 2022), the more so the more rows fall in thinly filled bins, so two
 *       classifiers' ECEs on a few hundred rows compare their confidence distributions as much as their
 *       calibration: an ECE near its floor is as low as that many rows can show.</li>
 * </ul>
 */
public final class CategoricalPredictiveMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  static final double PROBABILITY_FLOOR = 1e-15;

  private long count;
  private double nll;
  private double brier;
  private long correct;
  private final long[] binCount;
  private final long[] binCorrect;
  private final double[] binConfidence;
  private final HitCountSpread[] binSpread;

  public CategoricalPredictiveMetrics(int numBins) {
    if (numBins < 1) throw new IllegalArgumentException("numBins must be >= 1, got " + numBins);
    binCount = new long[numBins];
    binCorrect = new long[numBins];
    binConfidence = new double[numBins];
    binSpread = new HitCountSpread[numBins];
    for (int b = 0; b < numBins; b++) binSpread[b] = new HitCountSpread();
  }

  /** Adds one row: its class index and its predictive class probabilities. */
  public void add(int label, double[] probability) {
    int predicted = 0;
    for (int k = 1; k < probability.length; k++) if (probability[k] > probability[predicted]) predicted = k;
    double confidence = probability[predicted];
    boolean hit = predicted == label;
    count++;
    nll -= Math.log(Math.max(probability[label], PROBABILITY_FLOOR));
    for (int k = 0; k < probability.length; k++) {
      double e = probability[k] - (k == label ? 1.0 : 0.0);
      brier += e * e;
    }
    if (hit) correct++;
    int bins = binCount.length;
    int b = Math.min((int) Math.floor(confidence * bins), bins - 1);
    binCount[b]++;
    binConfidence[b] += confidence;
    binSpread[b].add(confidence);
    if (hit) binCorrect[b]++;
  }

  /** Adds another partial (same number of bins) into this one and returns this. */
  public CategoricalPredictiveMetrics merge(CategoricalPredictiveMetrics other) {
    count += other.count;
    nll += other.nll;
    brier += other.brier;
    correct += other.correct;
    for (int b = 0; b < binCount.length; b++) {
      binCount[b] += other.binCount[b];
      binCorrect[b] += other.binCorrect[b];
      binConfidence[b] += other.binConfidence[b];
      binSpread[b].merge(other.binSpread[b]);
    }
    return this;
  }

  public long count() { return count; }
  public double nll() { return nll / count; }
  public double brier() { return brier / count; }
  public double accuracy() { return (double) correct / count; }

  public double ece() {
    double ece = 0;
    for (int b = 0; b < binCount.length; b++) {
      if (binCount[b] == 0) continue;
      ece += Math.abs((double) binCorrect[b] - binConfidence[b]) / count;
    }
    return ece;
  }

  public double eceFloor() {
    double floor = 0;
    for (HitCountSpread spread : binSpread) floor += spread.expectedAbsoluteDeviation();
    return floor / count;
  }
}
