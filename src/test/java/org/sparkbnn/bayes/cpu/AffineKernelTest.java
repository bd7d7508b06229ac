package org.sparkbnn.bayes.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkbnn.bayes.Activation;

/**
 * The scoring layer kernel: its vector lanes and its scalar code give the same bits for every shape (whole vectors,
 * single vectors, scalar tails, row counts that leave remainders), so a model scores the same on an executor
 * without the Vector API; and it computes f(a W + b).
 */
class AffineKernelTest {

  @ParameterizedTest(name = "{0} rows, {1} inputs, {2} outputs")
  @CsvSource({"1, 1, 1", "3, 20, 64", "9, 65, 64", "17, 5, 7", "2, 13, 33", "11, 64, 1", "8, 7, 100", "5, 3, 16", "13, 9, 50",
      "10, 6, 40", "21, 5, 33", "7, 4, 128"})
  void vectorAndScalarCodeAgreeBitForBitAndComputeTheAffineMap(int rows, int k, int n) {
    SplittableRandom rng = new SplittableRandom(rows * 1000L + k * 10L + n);
    float[] a = new float[rows * k];
    float[] w = new float[3 + k * n + n]; // the layer starts at offset 3, as inside a weight vector
    for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
    for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
    for (Activation activation : new Activation[] {null, Activation.RELU, Activation.TANH}) {
      float[] dispatched = new float[rows * n];
      AffineKernel.forward(a, rows, k, w, 3, n, dispatched, activation);
      float[] scalar = new float[rows * n];
      Gemm.scalarColumns(a, 0, k, 1, rows, k, w, 3, n, scalar, 0, 3 + k * n, activation == Activation.RELU, 0);
      if (activation == Activation.TANH) for (int i = 0; i < scalar.length; i++) scalar[i] = (float) Math.tanh(scalar[i]);
      assertArrayEquals(scalar, dispatched, 0f, "activation " + activation);
      // Against float64: a chain of k fused multiply-adds rounds once per step, so the error is at most about
      // k x 2^-24 x sum |terms| (the bias included); the tanh output's error is no larger (|tanh'| <= 1) plus
      // its own rounding.
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < n; j++) {
          double exact = w[3 + k * n + j];
          double magnitude = Math.abs(exact);
          for (int q = 0; q < k; q++) {
            exact += (double) w[3 + q * n + j] * a[r * k + q];
            magnitude += Math.abs((double) w[3 + q * n + j] * a[r * k + q]);
          }
          double expected = activation == null ? exact : activation == Activation.RELU ? Math.max(exact, 0)
              : Math.tanh(exact);
          double bound = (k + 1) * Math.pow(2, -24) * magnitude + Math.ulp((float) expected);
          assertEquals(expected, dispatched[r * n + j], bound, "row " + r + ", output " + j + ", " + activation);
        }
      }
    }
  }
}
