package org.sparkbnn.bayes.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.sparkbnn.bayes.cpu.precision.Float64Twin;

/**
 * {@link Gemm#product}'s columns on the Java 17 Vector API: lanes run along the output columns, each lane the same
 * chain as the scalar code (0, then a fused multiply-add per inner term in order). Register blocking as in
 * {@link VectorAffine}, of which this is the bias-free form with a strided A: the two are kept apart because the
 * Vector API is fast only when the JIT compiles each loop for one use (one kernel serving both training and scoring
 * measured 113k instead of 150k rows/s for scoring, and 20k inside Spark tasks).
 */
@Float64Twin
final class VectorGemm {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = F.length();

  private VectorGemm() {}

  /** Computes the columns it can in whole vectors and returns the first column it left to the scalar code. */
  static int product(float[] a, int aOffset, int rowStride, int kStride, int m, int k, float[] b, int bOffset, int n,
                     float[] c, int cOffset) {
    int j = 0;
    for (; j + 4 * LANES <= n; j += 4 * LANES) fourVectors(a, aOffset, rowStride, kStride, m, k, b, bOffset, n, c, cOffset, j);
    for (; j + LANES <= n; j += LANES) oneVector(a, aOffset, rowStride, kStride, m, k, b, bOffset, n, c, cOffset, j);
    return j;
  }

  private static void fourVectors(float[] a, int aOffset, int rowStride, int kStride, int m, int k, float[] b,
                                  int bOffset, int n, float[] c, int cOffset, int j) {
    int i = 0;
    for (; i + 2 <= m; i += 2) {
      FloatVector c00 = FloatVector.zero(F);
      FloatVector c01 = c00;
      FloatVector c02 = c00;
      FloatVector c03 = c00;
      FloatVector c10 = c00;
      FloatVector c11 = c00;
      FloatVector c12 = c00;
      FloatVector c13 = c00;
      int a0 = aOffset + i * rowStride;
      for (int q = 0; q < k; q++) {
        int bq = bOffset + q * n + j;
        FloatVector w0 = FloatVector.fromArray(F, b, bq);
        FloatVector w1 = FloatVector.fromArray(F, b, bq + LANES);
        FloatVector w2 = FloatVector.fromArray(F, b, bq + 2 * LANES);
        FloatVector w3 = FloatVector.fromArray(F, b, bq + 3 * LANES);
        int at = a0 + q * kStride;
        FloatVector x0 = FloatVector.broadcast(F, a[at]);
        FloatVector x1 = FloatVector.broadcast(F, a[at + rowStride]);
        c00 = w0.fma(x0, c00);
        c01 = w1.fma(x0, c01);
        c02 = w2.fma(x0, c02);
        c03 = w3.fma(x0, c03);
        c10 = w0.fma(x1, c10);
        c11 = w1.fma(x1, c11);
        c12 = w2.fma(x1, c12);
        c13 = w3.fma(x1, c13);
      }
      store(c00, c01, c02, c03, c, cOffset + i * n + j);
      store(c10, c11, c12, c13, c, cOffset + (i + 1) * n + j);
    }
    for (; i < m; i++) {
      FloatVector c0 = FloatVector.zero(F);
      FloatVector c1 = c0;
      FloatVector c2 = c0;
      FloatVector c3 = c0;
      int a0 = aOffset + i * rowStride;
      for (int q = 0; q < k; q++) {
        int bq = bOffset + q * n + j;
        FloatVector x = FloatVector.broadcast(F, a[a0 + q * kStride]);
        c0 = FloatVector.fromArray(F, b, bq).fma(x, c0);
        c1 = FloatVector.fromArray(F, b, bq + LANES).fma(x, c1);
        c2 = FloatVector.fromArray(F, b, bq + 2 * LANES).fma(x, c2);
        c3 = FloatVector.fromArray(F, b, bq + 3 * LANES).fma(x, c3);
      }
      store(c0, c1, c2, c3, c, cOffset + i * n + j);
    }
  }

  private static void oneVector(float[] a, int aOffset, int rowStride, int kStride, int m, int k, float[] b,
                                int bOffset, int n, float[] c, int cOffset, int j) {
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      FloatVector s0 = FloatVector.zero(F);
      FloatVector s1 = s0;
      FloatVector s2 = s0;
      FloatVector s3 = s0;
      int a0 = aOffset + i * rowStride;
      for (int q = 0; q < k; q++) {
        FloatVector bq = FloatVector.fromArray(F, b, bOffset + q * n + j);
        int at = a0 + q * kStride;
        s0 = bq.fma(FloatVector.broadcast(F, a[at]), s0);
        s1 = bq.fma(FloatVector.broadcast(F, a[at + rowStride]), s1);
        s2 = bq.fma(FloatVector.broadcast(F, a[at + 2 * rowStride]), s2);
        s3 = bq.fma(FloatVector.broadcast(F, a[at + 3 * rowStride]), s3);
      }
      int o = cOffset + i * n + j;
      s0.intoArray(c, o);
      s1.intoArray(c, o + n);
      s2.intoArray(c, o + 2 * n);
      s3.intoArray(c, o + 3 * n);
    }
    for (; i < m; i++) {
      FloatVector s = FloatVector.zero(F);
      int a0 = aOffset + i * rowStride;
      for (int q = 0; q < k; q++) {
        s = FloatVector.fromArray(F, b, bOffset + q * n + j).fma(FloatVector.broadcast(F, a[a0 + q * kStride]), s);
      }
      s.intoArray(c, cOffset + i * n + j);
    }
  }

  private static void store(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3, float[] c, int offset) {
    v0.intoArray(c, offset);
    v1.intoArray(c, offset + LANES);
    v2.intoArray(c, offset + 2 * LANES);
    v3.intoArray(c, offset + 3 * LANES);
  }
}
