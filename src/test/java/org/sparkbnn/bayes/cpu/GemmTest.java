package org.sparkbnn.bayes.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The training step's matrix products: vector lanes and scalar code give the same bits for every shape (blocks of
 * four, three and one vectors, a last vector overlapping the one before, scalar tails, row counts that leave
 * remainders after blocks of four, two and eight rows), so a model trains the same on an
 * executor without the Vector API; and they compute the product: a chain of k fused multiply-adds rounds once per
 * step, so against float64 |error| <= about (k + 1) 2^-24 sum |terms|.
 */
class GemmTest {

  /** The three products a training step takes (forward, weight gradient, input gradient), into an offset. */
  @ParameterizedTest(name = "transA={0}, transB={1}: {2} x {3}, inner {4}")
  @CsvSource({"false, false, 9, 64, 20", "true, false, 20, 64, 9", "false, true, 9, 20, 64", "true, false, 64, 1, 33",
      "false, true, 33, 64, 1", "false, false, 1, 7, 3", "false, false, 11, 50, 13", "true, false, 50, 50, 17",
      "false, false, 19, 40, 7", "false, true, 10, 33, 5", "true, false, 7, 128, 6"})
  void theTrainingProductsMatchFloat64(boolean transA, boolean transB, int m, int n, int k) {
    SplittableRandom rng = new SplittableRandom(m * 100L + n * 10L + k);
    float[] a = random(rng, 2 + m * k);
    float[] b = random(rng, 5 + k * n);
    float[] c = new float[4 + m * n];
    new Gemm(new StepProfile()).multiply(transA, transB, m, n, k, a, 2, b, 5, c, 4);
    float[] scalar = new float[4 + m * n];
    float[] bStored = b;
    int bOffset = 5;
    if (transB) { // the scalar code takes B as k x n: transpose it as multiply does
      bStored = new float[k * n];
      for (int j = 0; j < n; j++) for (int q = 0; q < k; q++) bStored[q * n + j] = b[5 + j * k + q];
      bOffset = 0;
    }
    Gemm.scalarColumns(a, 2, transA ? 1 : k, transA ? m : 1, m, k, bStored, bOffset, n, scalar, 4, -1, false, 0);
    assertArrayEquals(scalar, c, 0f, "vector lanes and scalar code");
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double exact = 0;
        double magnitude = 0;
        for (int q = 0; q < k; q++) {
          double term = (double) a[2 + (transA ? q * m + i : i * k + q)] * b[5 + (transB ? j * k + q : q * n + j)];
          exact += term;
          magnitude += Math.abs(term);
        }
        assertEquals(exact, c[4 + i * n + j], (k + 1) * Math.pow(2, -24) * magnitude, "element " + i + ", " + j);
      }
    }
  }

  private static float[] random(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) rng.nextGaussian();
    return v;
  }
}
