package org.sparkbnn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TemperatureScalingTest {
  private static final int K = 4;
  private static final int N = 20_000;

  /** Logits z ~ N(0, 1.5^2) per class, labels drawn from softmax(z); the rows' log-probabilities: log softmax(c z). */
  private static final class HeldOut {
    final double[] logProbability = new double[N * K];
    final int[] labels = new int[N];

    HeldOut(double overconfidence, long seed) {
      SplittableRandom rng = new SplittableRandom(seed);
      double[] z = new double[K];
      double[] scaled = new double[K];
      for (int i = 0; i < N; i++) {
        for (int k = 0; k < K; k++) {
          z[k] = 1.5 * rng.nextGaussian();
          scaled[k] = overconfidence * z[k];
        }
        double[] p = softmax(z);
        double u = rng.nextDouble();
        int y = 0;
        for (double c = p[0]; c < u && y < K - 1; c += p[++y]) { }
        labels[i] = y;
        double[] q = softmax(scaled);
        for (int k = 0; k < K; k++) logProbability[i * K + k] = Math.log(q[k]);
      }
    }

    /**
     * Where the MAP of ln T may lie around the truth: 5 standard errors of the likelihood's estimate (1 / sqrt of
     * the objective's curvature in ln T at the optimum, by central differences) plus the prior's pull towards 0,
     * about |ln T| / (sd^2 curvature) (a Gaussian prior against a Gaussian likelihood).
     */
    double tolerance(double logT) {
      double h = 1e-3;
      double curvature = (TemperatureScaling.objective(logT + h, logProbability, labels, K)
          - 2 * TemperatureScaling.objective(logT, logProbability, labels, K)
          + TemperatureScaling.objective(logT - h, logProbability, labels, K)) / (h * h);
      double sd = TemperatureScaling.LOG_PRIOR_SD;
      return 5 / Math.sqrt(curvature) + Math.abs(logT) / (sd * sd * curvature);
    }
  }

  @Test
  void recoversTheTemperatureOfAnOverconfidentPredictive() {
    HeldOut data = new HeldOut(2.0, 1);
    double logT = Math.log(TemperatureScaling.fit(data.logProbability, data.labels, K).temperature());
    assertEquals(Math.log(2.0), logT, data.tolerance(logT));
  }

  @Test
  void recoversTheTemperatureOfAnUnderconfidentPredictive() {
    HeldOut data = new HeldOut(0.6, 2);
    double logT = Math.log(TemperatureScaling.fit(data.logProbability, data.labels, K).temperature());
    assertEquals(Math.log(0.6), logT, data.tolerance(logT));
  }

  @Test
  void leavesACalibratedPredictiveAlmostAlone() {
    HeldOut data = new HeldOut(1.0, 3);
    double logT = Math.log(TemperatureScaling.fit(data.logProbability, data.labels, K).temperature());
    assertEquals(0, logT, data.tolerance(logT));
  }

  /**
   * 50 confident rows, all right: the likelihood alone keeps improving as T falls to 0. At the MAP u = ln T the
   * objective is at most its value at u = 0, and the NLL is non-negative, so u^2 / (2 sd^2) <= NLL(T = 1).
   */
  @Test
  void thePriorBoundsTheTemperatureOfAFewRowsWithoutErrors() {
    int n = 50;
    double[] logProbability = new double[n * K];
    int[] labels = new int[n];
    double nllAtOne = 0;
    for (int i = 0; i < n; i++) {
      double[] p = softmax(new double[] {3, 0, 0, 0});
      labels[i] = 0;
      for (int k = 0; k < K; k++) logProbability[i * K + k] = Math.log(p[k]);
      nllAtOne -= Math.log(p[0]);
    }
    double logT = Math.log(TemperatureScaling.fit(logProbability, labels, K).temperature());
    assertTrue(logT < 0, "T shrinks: " + Math.exp(logT));
    assertTrue(Math.abs(logT) <= TemperatureScaling.LOG_PRIOR_SD * Math.sqrt(2 * nllAtOne) + 1e-6,
        "ln T " + logT + " beyond the prior's bound");
  }

  @Test
  void scaledRowsAreDistributionsWithTheSameArgmaxAndNoTemperatureChangesNothing() {
    double[] logP = {Math.log(0.7), Math.log(0.2), Math.log(0.1), Math.log(0.25), Math.log(0.5), Math.log(0.25)};
    double[] before = logP.clone();
    double[] p = new double[6];
    TemperatureScaling.NONE.apply(logP, p, 2, 3);
    assertArrayEquals(before, logP, 0.0);
    new TemperatureScaling(0.5).apply(logP, p, 2, 3);
    // T = 0.5 squares and renormalises: 0.49, 0.04, 0.01 over 0.54.
    assertArrayEquals(new double[] {0.49 / 0.54, 0.04 / 0.54, 0.01 / 0.54}, java.util.Arrays.copyOf(p, 3), 1e-12);
    assertEquals(1.0, p[3] + p[4] + p[5], 1e-12);
    assertTrue(p[4] > p[3] && p[4] > p[5]);
    for (int i = 0; i < 6; i++) assertEquals(Math.log(p[i]), logP[i], 1e-12);
  }

  private static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) max = Math.max(max, v);
    double[] p = new double[z.length];
    double sum = 0;
    for (int k = 0; k < z.length; k++) sum += p[k] = Math.exp(z[k] - max);
    for (int k = 0; k < z.length; k++) p[k] /= sum;
    return p;
  }
}
