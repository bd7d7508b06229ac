package org.sparkbnn.bayes.cpu;

import org.sparkbnn.bayes.StableMath;
import org.sparkbnn.bayes.cpu.precision.Float64Twin;

/**
 * The training step's row-major float32 matrix products, in Java. Every output element is one chain: 0, then one
 * fused multiply-add per term of the inner dimension in order ({@code Math.fma}); {@link VectorGemm}'s lanes run
 * the same chain as {@link #scalarColumns}, so a step does not depend on the vector width or on whether the Vector
 * API is there. It replaced OpenBLAS sgemm, measured here on a step of the benchmark's network (512-row shares,
 * hidden [64, 64]): the products of a reparameterised share took 0.33 ms against sgemm's 0.43 plus 0.05 of copies
 * to and from off-heap memory, and two tasks multiplying at once on the machine's two cores got 2.0x one task's
 * throughput from this code against 1.3-1.7x from sgemm. (The scoring layers have their own kernel,
 * {@link AffineKernel}, with the bias and activation folded in.)
 */
@Float64Twin
final class Gemm {
  private static final boolean VECTOR = StableMath.VECTOR_API;
  private static final int CHAINS = 8;
  private final StepProfile profile;
  private float[] transposed = new float[0];

  Gemm(StepProfile profile) {
    this.profile = profile;
  }

  /**
   * c[cOffset..] (m x n) = op(A) op(B), where A is stored from a[aOffset] as (transA ? k x m : m x k) and B from
   * b[bOffset] as (transB ? n x k : k x n).
   */
  void multiply(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset,
                float[] c, int cOffset) {
    long start = System.nanoTime();
    if (transB) {
      // The lanes run along B's rows: transposing B (a layer's weights, small) costs less than strided loads.
      if (transposed.length < k * n) transposed = new float[k * n];
      for (int j = 0; j < n; j++) {
        for (int q = 0; q < k; q++) transposed[q * n + j] = b[bOffset + j * k + q];
      }
      b = transposed;
      bOffset = 0;
    }
    long ready = System.nanoTime();
    product(a, aOffset, transA ? 1 : k, transA ? m : 1, m, k, b, bOffset, n, c, cOffset);
    profile.transposeNanos += ready - start;
    profile.productNanos += System.nanoTime() - ready;
  }

  /**
   * c[cOffset + i n + j] = sum_q A(i, q) B(q, j) for i < m, j < n, with A(i, q) = a[aOffset + i rowStride + q
   * kStride] (so A may be stored transposed) and B(q, j) = b[bOffset + q n + j].
   */
  static void product(float[] a, int aOffset, int rowStride, int kStride, int m, int k, float[] b, int bOffset, int n,
                      float[] c, int cOffset) {
    int done = VECTOR ? VectorGemm.product(a, aOffset, rowStride, kStride, m, k, b, bOffset, n, c, cOffset) : 0;
    scalarColumns(a, aOffset, rowStride, kStride, m, k, b, bOffset, n, c, cOffset, -1, false, done);
  }

  /**
   * Columns {@code from}..n-1 of {@link #product} in scalar code, the same chain as a vector lane, for it and for
   * {@link AffineKernel} (which starts each chain from a bias, b[biasOffset + j], and may end it with max(., 0));
   * biasOffset < 0 starts from 0. Eight rows at a time, so that eight independent chains are in flight (a product
   * with one column, e.g. a regression network's output layer, would otherwise wait on each multiply-add's latency:
   * 25 against 12 ns a row for 64 inputs with four chains).
   */
  static void scalarColumns(float[] a, int aOffset, int rowStride, int kStride, int m, int k, float[] b, int bOffset,
                            int n, float[] c, int cOffset, int biasOffset, boolean relu, int from) {
    float[] s = new float[CHAINS];
    for (int j = from; j < n; j++) {
      float bias = biasOffset < 0 ? 0f : b[biasOffset + j];
      int i = 0;
      for (; i + CHAINS <= m; i += CHAINS) {
        float s0 = bias;
        float s1 = bias;
        float s2 = bias;
        float s3 = bias;
        float s4 = bias;
        float s5 = bias;
        float s6 = bias;
        float s7 = bias;
        int a0 = aOffset + i * rowStride;
        for (int q = 0; q < k; q++) {
          float bq = b[bOffset + q * n + j];
          int at = a0 + q * kStride;
          s0 = Math.fma(bq, a[at], s0);
          s1 = Math.fma(bq, a[at + rowStride], s1);
          s2 = Math.fma(bq, a[at + 2 * rowStride], s2);
          s3 = Math.fma(bq, a[at + 3 * rowStride], s3);
          s4 = Math.fma(bq, a[at + 4 * rowStride], s4);
          s5 = Math.fma(bq, a[at + 5 * rowStride], s5);
          s6 = Math.fma(bq, a[at + 6 * rowStride], s6);
          s7 = Math.fma(bq, a[at + 7 * rowStride], s7);
        }
        s[0] = s0;
        s[1] = s1;
        s[2] = s2;
        s[3] = s3;
        s[4] = s4;
        s[5] = s5;
        s[6] = s6;
        s[7] = s7;
        for (int t = 0; t < CHAINS; t++) c[cOffset + (i + t) * n + j] = relu ? Math.max(s[t], 0f) : s[t];
      }
      for (; i < m; i++) {
        float sum = bias;
        int a0 = aOffset + i * rowStride;
        for (int q = 0; q < k; q++) sum = Math.fma(b[bOffset + q * n + j], a[a0 + q * kStride], sum);
        c[cOffset + i * n + j] = relu ? Math.max(sum, 0f) : sum;
      }
    }
  }
}
