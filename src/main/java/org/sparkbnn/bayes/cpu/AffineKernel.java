package org.sparkbnn.bayes.cpu;

import org.sparkbnn.bayes.Activation;
import org.sparkbnn.bayes.StableMath;

/**
 * One dense layer of the scoring chain, c = f(a W + b) for every row of a, computed so that each output element
 * is a function of its own row alone: b_j, then one fused multiply-add per input in input order
 * ({@code Math.fma}), then the activation. OpenBLAS sgemm does not give that: on an AVX2 machine here, a row's
 * float32 outputs changed in the last bit with its position in the product (12% of outputs for a 256 x 65 x 64
 * product after a cyclic shift of the rows), so {@code transform}'s output of a row depended on the partitioning.
 * On the Java 17 Vector API ({@link VectorAffine}) these skinny products also ran faster than sgemm (67 against
 * 45 GFLOP/s for 256 x 65 x 64): no packing, no copies to off-heap memory, no native call.
 *
 * <p>The layer's weights are read as stored in a weight vector: its k x n matrix (row-major) from
 * {@code wOffset}, followed by its n biases.
 */
final class AffineKernel {
  private static final boolean VECTOR = StableMath.VECTOR_API;
  private static final int CHAINS = 8;

  private AffineKernel() {}

  /** c (rows x n, row-major) = f(a W + b) for a (rows x k, row-major); {@code activation} null for none. */
  static void forward(float[] a, int rows, int k, float[] w, int wOffset, int n, float[] c, Activation activation) {
    boolean relu = activation == Activation.RELU;
    int done = VECTOR ? VectorAffine.forward(a, rows, k, w, wOffset, n, c, relu) : 0;
    scalarColumns(a, rows, k, w, wOffset, n, c, relu, done);
    if (activation == Activation.TANH) {
      for (int i = 0; i < rows * n; i++) c[i] = (float) Math.tanh(c[i]);
    }
  }

  /**
   * Columns {@code from}..n-1 in scalar code, the same operations as the vector lanes; eight rows at a time, so that
   * eight independent multiply-add chains are in flight (the output layer, n = 1, would otherwise wait on each
   * multiply-add's latency: 25 against 12 ns a row for 64 inputs with four chains).
   */
  static void scalarColumns(float[] a, int rows, int k, float[] w, int wOffset, int n, float[] c, boolean relu,
                            int from) {
    int bOffset = wOffset + k * n;
    float[] s = new float[CHAINS];
    for (int j = from; j < n; j++) {
      float bias = w[bOffset + j];
      int r = 0;
      for (; r + CHAINS <= rows; r += CHAINS) {
        float s0 = bias;
        float s1 = bias;
        float s2 = bias;
        float s3 = bias;
        float s4 = bias;
        float s5 = bias;
        float s6 = bias;
        float s7 = bias;
        int a0 = r * k;
        for (int q = 0; q < k; q++) {
          float wq = w[wOffset + q * n + j];
          int at = a0 + q;
          s0 = Math.fma(wq, a[at], s0);
          s1 = Math.fma(wq, a[at + k], s1);
          s2 = Math.fma(wq, a[at + 2 * k], s2);
          s3 = Math.fma(wq, a[at + 3 * k], s3);
          s4 = Math.fma(wq, a[at + 4 * k], s4);
          s5 = Math.fma(wq, a[at + 5 * k], s5);
          s6 = Math.fma(wq, a[at + 6 * k], s6);
          s7 = Math.fma(wq, a[at + 7 * k], s7);
        }
        s[0] = s0;
        s[1] = s1;
        s[2] = s2;
        s[3] = s3;
        s[4] = s4;
        s[5] = s5;
        s[6] = s6;
        s[7] = s7;
        for (int i = 0; i < CHAINS; i++) c[(r + i) * n + j] = relu ? Math.max(s[i], 0f) : s[i];
      }
      for (; r < rows; r++) {
        float sum = bias;
        for (int q = 0; q < k; q++) sum = Math.fma(w[wOffset + q * n + j], a[r * k + q], sum);
        c[r * n + j] = relu ? Math.max(sum, 0f) : sum;
      }
    }
  }
}
