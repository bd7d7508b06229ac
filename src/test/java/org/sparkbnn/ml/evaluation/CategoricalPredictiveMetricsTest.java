package org.sparkbnn.ml.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CategoricalPredictiveMetricsTest {

  /** Four rows over three classes, worked by hand (numbers in the comments). */
  @Test
  void handWorkedCase() {
    CategoricalPredictiveMetrics m = new CategoricalPredictiveMetrics(5);
    m.add(0, new double[] {0.7, 0.2, 0.1}); // hit, confidence 0.7 -> bin [0.6, 0.8)
    m.add(1, new double[] {0.6, 0.3, 0.1}); // miss, confidence 0.6 -> bin [0.6, 0.8)
    m.add(2, new double[] {0.1, 0.1, 0.8}); // hit, confidence 0.8 -> bin [0.8, 1]
    m.add(1, new double[] {0.2, 0.5, 0.3}); // hit, confidence 0.5 -> bin [0.4, 0.6)
    assertEquals(4, m.count());
    assertEquals(-(Math.log(0.7) + Math.log(0.3) + Math.log(0.8) + Math.log(0.5)) / 4, m.nll(), 1e-12);
    // Squared errors per row: 0.14, 0.86, 0.06, 0.38.
    assertEquals(0.36, m.brier(), 1e-12);
    assertEquals(0.75, m.accuracy(), 1e-12);
    // Bins: (2/4)|0.5 - 0.65| + (1/4)|1 - 0.8| + (1/4)|1 - 0.5| = 0.075 + 0.05 + 0.125.
    assertEquals(0.25, m.ece(), 1e-12);
  }

  @Test
  void mergingPartialsEqualsOnePass() {
    SplittableRandom rng = new SplittableRandom(3);
    CategoricalPredictiveMetrics all = new CategoricalPredictiveMetrics(10);
    CategoricalPredictiveMetrics a = new CategoricalPredictiveMetrics(10);
    CategoricalPredictiveMetrics b = new CategoricalPredictiveMetrics(10);
    for (int i = 0; i < 500; i++) {
      double[] p = randomDistribution(rng, 4, 1.5);
      int y = rng.nextInt(4);
      all.add(y, p);
      (i % 3 == 0 ? a : b).add(y, p);
    }
    a.merge(b);
    assertEquals(all.nll(), a.nll(), 1e-12);
    assertEquals(all.brier(), a.brier(), 1e-12);
    assertEquals(all.ece(), a.ece(), 1e-12);
    assertEquals(all.eceFloor(), a.eceFloor(), 1e-12);
    assertEquals(all.accuracy(), a.accuracy(), 1e-12);
  }

  /** One row of confidence p: a calibrated classifier hits with probability p, so E|hit - p| = 2 p (1 - p). */
  @Test
  void floorOfOneRowIsTwicePTimesOneMinusP() {
    CategoricalPredictiveMetrics m = new CategoricalPredictiveMetrics(15);
    m.add(2, new double[] {0.2, 0.1, 0.7});
    assertEquals(2 * 0.7 * 0.3, m.eceFloor(), 1e-12);
  }

  /**
   * The floor is the ECE a calibrated classifier scores in expectation: rows with fixed probability vectors, whose
   * hits are drawn D times with each row's own confidence; the mean of the D ECEs estimates the floor with standard
   * error sd / sqrt(D) (central limit theorem over independent draws), so 4 standard errors bound it (a false
   * failure once in ~16,000 runs; the seed is fixed besides).
   */
  @Test
  void floorIsTheExpectedEceOfACalibratedClassifier() {
    SplittableRandom rng = new SplittableRandom(5);
    int rows = 300;
    double[][] p = new double[rows][];
    for (int i = 0; i < rows; i++) p[i] = randomDistribution(rng, 4, 2.0);
    int draws = 4000;
    double sum = 0;
    double sumOfSquares = 0;
    double floor = Double.NaN;
    for (int d = 0; d < draws; d++) {
      CategoricalPredictiveMetrics m = new CategoricalPredictiveMetrics(15);
      for (double[] row : p) {
        int predicted = argmax(row);
        m.add(rng.nextDouble() < row[predicted] ? predicted : (predicted + 1) % row.length, row);
      }
      sum += m.ece();
      sumOfSquares += m.ece() * m.ece();
      floor = m.eceFloor();
    }
    double mean = sum / draws;
    double standardError = Math.sqrt((sumOfSquares / draws - mean * mean) / draws);
    assertTrue(floor > 0.02, "a floor worth testing: " + floor);
    assertEquals(mean, floor, 4 * standardError, "floor " + floor + " against the mean ECE " + mean);
  }

  /**
   * A bin of more than HitCountSpread.EXACT_ROWS rows is read as normal: 3,000 rows of confidence 0.95, whose hit
   * count is Binomial(3000, 0.95); the normal value of its mean absolute deviation errs by O(1 / (n p (1 - p))),
   * here 1/142.5, which bounds the comparison with the exact one summed from the binomial's probabilities.
   */
  @Test
  void largeBinsUseTheNormalSpread() {
    int n = 3000;
    double p = 0.95;
    CategoricalPredictiveMetrics m = new CategoricalPredictiveMetrics(15);
    for (int i = 0; i < n; i++) m.add(0, new double[] {p, 1 - p});
    double exact = 0;
    for (int k = 0; k <= n; k++) {
      double logPmf = logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log(1 - p);
      exact += Math.exp(logPmf) * Math.abs(k - n * p);
    }
    assertEquals(exact / n, m.eceFloor(), exact / n / (n * p * (1 - p)));
  }

  private static double logChoose(int n, int k) {
    double s = 0;
    for (int i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
    return s;
  }

  private static int argmax(double[] p) {
    int best = 0;
    for (int k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    return best;
  }

  @Test
  void zeroProbabilityOnTheTrueClassIsAFinitePenalty() {
    CategoricalPredictiveMetrics m = new CategoricalPredictiveMetrics(3);
    m.add(1, new double[] {1.0, 0.0});
    assertEquals(-Math.log(CategoricalPredictiveMetrics.PROBABILITY_FLOOR), m.nll(), 1e-9);
    assertEquals(2.0, m.brier(), 1e-12);
    assertEquals(1.0, m.ece(), 1e-12);
  }

  /**
   * Labels drawn from known class probabilities p: reporting p is calibrated (ECE at the sampling-noise level),
   * sharpening it (p^3, over-confident) or flattening it (p^(1/3), under-confident) raises the ECE, and since NLL
   * and Brier are proper scoring rules both distortions score worse on them too.
   */
  @Test
  void calibratedBeatsOverAndUnderConfident() {
    SplittableRandom rng = new SplittableRandom(11);
    CategoricalPredictiveMetrics calibrated = new CategoricalPredictiveMetrics(15);
    CategoricalPredictiveMetrics over = new CategoricalPredictiveMetrics(15);
    CategoricalPredictiveMetrics under = new CategoricalPredictiveMetrics(15);
    int n = 20000;
    for (int i = 0; i < n; i++) {
      double[] p = randomDistribution(rng, 3, 1.5);
      int y = draw(rng, p);
      calibrated.add(y, p);
      over.add(y, power(p, 3));
      under.add(y, power(p, 1.0 / 3));
    }
    // Sampling noise of a bin's accuracy is sqrt(a(1-a)/n_b) <= 0.5/sqrt(n_b); weighted over 15 bins of
    // ~1300 rows it is ~0.01, so 0.02 is a 2-sigma bound for the calibrated case.
    assertTrue(calibrated.ece() < 0.02, "calibrated ECE " + calibrated.ece());
    assertTrue(over.ece() > 0.08, "over-confident ECE " + over.ece());
    assertTrue(under.ece() > 0.08, "under-confident ECE " + under.ece());
    assertTrue(over.nll() > calibrated.nll() + 0.05 && under.nll() > calibrated.nll() + 0.05,
        "NLL calibrated " + calibrated.nll() + " over " + over.nll() + " under " + under.nll());
    assertTrue(over.brier() > calibrated.brier() && under.brier() > calibrated.brier(),
        "Brier calibrated " + calibrated.brier() + " over " + over.brier() + " under " + under.brier());
  }

  static double[] randomDistribution(SplittableRandom rng, int k, double scale) {
    double[] p = new double[k];
    double z = 0;
    for (int c = 0; c < k; c++) {
      p[c] = Math.exp(scale * rng.nextGaussian());
      z += p[c];
    }
    for (int c = 0; c < k; c++) p[c] /= z;
    return p;
  }

  static int draw(SplittableRandom rng, double[] p) {
    double u = rng.nextDouble();
    for (int c = 0; c < p.length - 1; c++) {
      u -= p[c];
      if (u < 0) return c;
    }
    return p.length - 1;
  }

  static double[] power(double[] p, double exponent) {
    double[] q = new double[p.length];
    double z = 0;
    for (int c = 0; c < p.length; c++) {
      q[c] = Math.pow(p[c], exponent);
      z += q[c];
    }
    for (int c = 0; c < p.length; c++) q[c] /= z;
    return q;
  }
}
