package org.sparkbnn.bayes.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.sparkbnn.bayes.cpu.precision.Float64Twin;

/**
 * {@link Gemm#product}'s columns on the Java 17 Vector API: lanes run along the output columns, each lane the same
 * chain as the scalar code (0, then a fused multiply-add per inner term in order), so the blocking below changes
 * no result. Register blocking as in {@link VectorAffine} (two rows x four vectors), here four rows on AVX-512, of
 * which this is the bias-free form with a strided A: the two are kept apart because the Vector API is fast only
 * when the JIT compiles each loop for one use (one kernel serving both training and scoring measured 113k instead
 * of 150k rows/s for scoring, and 20k inside Spark tasks). No helper method takes or returns a vector: one that C2
 * compiled on its own before its callers is "already compiled into a big method", is then not inlined, and every
 * call boxes its vectors (a four-row scoring kernel storing through a helper measured 26 against 160 GFLOP/s in
 * some JVM runs).
 */
@Float64Twin
final class VectorGemm {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = F.length();

  private VectorGemm() {}

  /**
   * Whether the vectors are 512 bits wide, i.e. AVX-512 with its 32 vector registers: room for 16 accumulators, so
   * four rows share each loaded vector of B (with AVX2's 16 registers two rows do, more would spill).
   */
  private static final boolean WIDE = F.vectorBitSize() >= 512;

  /**
   * Computes the columns it can in whole vectors (all of them when n >= LANES) and returns the first column it left
   * to the scalar code.
   */
  static int product(float[] a, int aOffset, int rowStride, int kStride, int m, int k, float[] b, int bOffset, int n,
                     float[] c, int cOffset) {
    int j = 0;
    for (; j + 4 * LANES <= n; j += 4 * LANES) {
      int i = WIDE ? fourVectorsFourRows(a, aOffset, rowStride, kStride, m, k, b, bOffset, n, c, cOffset, j) : 0;
      fourVectors(a, aOffset, rowStride, kStride, m, k, b, bOffset, n, c, cOffset, j, i);
    }
    if (WIDE && j + 3 * LANES <= n) {
      int i = threeVectorsFourRows(a, aOffset, rowStride, kStride, m, k, b, bOffset, n, c, cOffset, j);
      for (int v = 0; v < 3; v++) oneVector(a, aOffset, rowStride, kStride, m, k, b, bOffset, n, c, cOffset, j + v * LANES, i);
      j += 3 * LANES;
    }
    for (; j + LANES <= n; j += LANES) oneVector(a, aOffset, rowStride, kStride, m, k, b, bOffset, n, c, cOffset, j, 0);
    if (j < n && n >= LANES) {
      // The last columns as one vector that overlaps the ones before: those are computed again by the same chains,
      // so they come out the same, and the few columns left cost a vector instead of scalar code (a 50-unit layer
      // at 16 lanes: 3 vectors and 2 columns, which in scalar code took as long as the 3 vectors).
      oneVector(a, aOffset, rowStride, kStride, m, k, b, bOffset, n, c, cOffset, n - LANES, 0);
      j = n;
    }
    return j;
  }

  /**
   * Four rows x four vectors of C (16 accumulators, 4 of B, 1 broadcast): on AVX-512 the products of the
   * benchmark's [64, 64] network ran at 140-175 GFLOP/s on one core against 80-125 with two rows. Returns the first
   * row it left.
   */
  private static int fourVectorsFourRows(float[] a, int aOffset, int rowStride, int kStride, int m, int k, float[] b,
                                         int bOffset, int n, float[] c, int cOffset, int j) {
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      FloatVector c00 = FloatVector.zero(F);
      FloatVector c01 = c00;
      FloatVector c02 = c00;
      FloatVector c03 = c00;
      FloatVector c10 = c00;
      FloatVector c11 = c00;
      FloatVector c12 = c00;
      FloatVector c13 = c00;
      FloatVector c20 = c00;
      FloatVector c21 = c00;
      FloatVector c22 = c00;
      FloatVector c23 = c00;
      FloatVector c30 = c00;
      FloatVector c31 = c00;
      FloatVector c32 = c00;
      FloatVector c33 = c00;
      int a0 = aOffset + i * rowStride;
      for (int q = 0; q < k; q++) {
        int bq = bOffset + q * n + j;
        FloatVector w0 = FloatVector.fromArray(F, b, bq);
        FloatVector w1 = FloatVector.fromArray(F, b, bq + LANES);
        FloatVector w2 = FloatVector.fromArray(F, b, bq + 2 * LANES);
        FloatVector w3 = FloatVector.fromArray(F, b, bq + 3 * LANES);
        int at = a0 + q * kStride;
        FloatVector x = FloatVector.broadcast(F, a[at]);
        c00 = w0.fma(x, c00);
        c01 = w1.fma(x, c01);
        c02 = w2.fma(x, c02);
        c03 = w3.fma(x, c03);
        x = FloatVector.broadcast(F, a[at + rowStride]);
        c10 = w0.fma(x, c10);
        c11 = w1.fma(x, c11);
        c12 = w2.fma(x, c12);
        c13 = w3.fma(x, c13);
        x = FloatVector.broadcast(F, a[at + 2 * rowStride]);
        c20 = w0.fma(x, c20);
        c21 = w1.fma(x, c21);
        c22 = w2.fma(x, c22);
        c23 = w3.fma(x, c23);
        x = FloatVector.broadcast(F, a[at + 3 * rowStride]);
        c30 = w0.fma(x, c30);
        c31 = w1.fma(x, c31);
        c32 = w2.fma(x, c32);
        c33 = w3.fma(x, c33);
      }
      int o = cOffset + i * n + j;
      c00.intoArray(c, o);
      c01.intoArray(c, o + LANES);
      c02.intoArray(c, o + 2 * LANES);
      c03.intoArray(c, o + 3 * LANES);
      o += n;
      c10.intoArray(c, o);
      c11.intoArray(c, o + LANES);
      c12.intoArray(c, o + 2 * LANES);
      c13.intoArray(c, o + 3 * LANES);
      o += n;
      c20.intoArray(c, o);
      c21.intoArray(c, o + LANES);
      c22.intoArray(c, o + 2 * LANES);
      c23.intoArray(c, o + 3 * LANES);
      o += n;
      c30.intoArray(c, o);
      c31.intoArray(c, o + LANES);
      c32.intoArray(c, o + 2 * LANES);
      c33.intoArray(c, o + 3 * LANES);
    }
    return i;
  }

  /**
   * Four rows x three vectors (AVX-512), for the widths that leave three vectors after the blocks of four, e.g. the
   * 48 vector columns of a 50-unit layer: 140-165 against 90-120 GFLOP/s one vector at a time. Returns the first row
   * it left.
   */
  private static int threeVectorsFourRows(float[] a, int aOffset, int rowStride, int kStride, int m, int k, float[] b,
                                          int bOffset, int n, float[] c, int cOffset, int j) {
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      FloatVector c00 = FloatVector.zero(F);
      FloatVector c01 = c00;
      FloatVector c02 = c00;
      FloatVector c10 = c00;
      FloatVector c11 = c00;
      FloatVector c12 = c00;
      FloatVector c20 = c00;
      FloatVector c21 = c00;
      FloatVector c22 = c00;
      FloatVector c30 = c00;
      FloatVector c31 = c00;
      FloatVector c32 = c00;
      int a0 = aOffset + i * rowStride;
      for (int q = 0; q < k; q++) {
        int bq = bOffset + q * n + j;
        FloatVector w0 = FloatVector.fromArray(F, b, bq);
        FloatVector w1 = FloatVector.fromArray(F, b, bq + LANES);
        FloatVector w2 = FloatVector.fromArray(F, b, bq + 2 * LANES);
        int at = a0 + q * kStride;
        FloatVector x = FloatVector.broadcast(F, a[at]);
        c00 = w0.fma(x, c00);
        c01 = w1.fma(x, c01);
        c02 = w2.fma(x, c02);
        x = FloatVector.broadcast(F, a[at + rowStride]);
        c10 = w0.fma(x, c10);
        c11 = w1.fma(x, c11);
        c12 = w2.fma(x, c12);
        x = FloatVector.broadcast(F, a[at + 2 * rowStride]);
        c20 = w0.fma(x, c20);
        c21 = w1.fma(x, c21);
        c22 = w2.fma(x, c22);
        x = FloatVector.broadcast(F, a[at + 3 * rowStride]);
        c30 = w0.fma(x, c30);
        c31 = w1.fma(x, c31);
        c32 = w2.fma(x, c32);
      }
      int o = cOffset + i * n + j;
      c00.intoArray(c, o);
      c01.intoArray(c, o + LANES);
      c02.intoArray(c, o + 2 * LANES);
      o += n;
      c10.intoArray(c, o);
      c11.intoArray(c, o + LANES);
      c12.intoArray(c, o + 2 * LANES);
      o += n;
      c20.intoArray(c, o);
      c21.intoArray(c, o + LANES);
      c22.intoArray(c, o + 2 * LANES);
      o += n;
      c30.intoArray(c, o);
      c31.intoArray(c, o + LANES);
      c32.intoArray(c, o + 2 * LANES);
    }
    return i;
  }

  /** Rows {@code from}..m-1 of four vectors of C, two rows at a time (16 registers suffice). */
  private static void fourVectors(float[] a, int aOffset, int rowStride, int kStride, int m, int k, float[] b,
                                  int bOffset, int n, float[] c, int cOffset, int j, int from) {
    int i = from;
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
      int o = cOffset + i * n + j;
      c00.intoArray(c, o);
      c01.intoArray(c, o + LANES);
      c02.intoArray(c, o + 2 * LANES);
      c03.intoArray(c, o + 3 * LANES);
      o += n;
      c10.intoArray(c, o);
      c11.intoArray(c, o + LANES);
      c12.intoArray(c, o + 2 * LANES);
      c13.intoArray(c, o + 3 * LANES);
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
      int o = cOffset + i * n + j;
      c0.intoArray(c, o);
      c1.intoArray(c, o + LANES);
      c2.intoArray(c, o + 2 * LANES);
      c3.intoArray(c, o + 3 * LANES);
    }
  }

  /** Rows {@code from}..m-1 of one vector of C, eight rows at a time (8 accumulators hide the FMA latency). */
  private static void oneVector(float[] a, int aOffset, int rowStride, int kStride, int m, int k, float[] b,
                                int bOffset, int n, float[] c, int cOffset, int j, int from) {
    int i = from;
    for (; i + 8 <= m; i += 8) {
      FloatVector s0 = FloatVector.zero(F);
      FloatVector s1 = s0;
      FloatVector s2 = s0;
      FloatVector s3 = s0;
      FloatVector s4 = s0;
      FloatVector s5 = s0;
      FloatVector s6 = s0;
      FloatVector s7 = s0;
      int a0 = aOffset + i * rowStride;
      for (int q = 0; q < k; q++) {
        FloatVector bq = FloatVector.fromArray(F, b, bOffset + q * n + j);
        int at = a0 + q * kStride;
        s0 = bq.fma(FloatVector.broadcast(F, a[at]), s0);
        s1 = bq.fma(FloatVector.broadcast(F, a[at + rowStride]), s1);
        s2 = bq.fma(FloatVector.broadcast(F, a[at + 2 * rowStride]), s2);
        s3 = bq.fma(FloatVector.broadcast(F, a[at + 3 * rowStride]), s3);
        s4 = bq.fma(FloatVector.broadcast(F, a[at + 4 * rowStride]), s4);
        s5 = bq.fma(FloatVector.broadcast(F, a[at + 5 * rowStride]), s5);
        s6 = bq.fma(FloatVector.broadcast(F, a[at + 6 * rowStride]), s6);
        s7 = bq.fma(FloatVector.broadcast(F, a[at + 7 * rowStride]), s7);
      }
      int o = cOffset + i * n + j;
      s0.intoArray(c, o);
      s1.intoArray(c, o + n);
      s2.intoArray(c, o + 2 * n);
      s3.intoArray(c, o + 3 * n);
      s4.intoArray(c, o + 4 * n);
      s5.intoArray(c, o + 5 * n);
      s6.intoArray(c, o + 6 * n);
      s7.intoArray(c, o + 7 * n);
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
}
