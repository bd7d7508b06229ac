package org.sparkbnn.bayes.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AffineKernel}'s columns on the Java 17 Vector API: lanes run along the outputs, each lane the same chain
 * as the scalar code (bias, then a fused multiply-add per input in order, then max(., 0) for relu), so the result
 * does not depend on the vector width or on whether the module is present. Register blocking: four rows (AVX-512)
 * or two x four vectors of outputs share each loaded weight vector; outputs left over take three vectors and four
 * rows (AVX-512) or one vector and eight rows at a time, and the last few one vector overlapping those before it.
 * No helper takes or returns a vector (see {@link VectorGemm}).
 */
final class VectorAffine {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = F.length();
  /** AVX-512: 32 vector registers, room for four rows of accumulators (VectorGemm). */
  private static final boolean WIDE = F.vectorBitSize() >= 512;

  private VectorAffine() {}

  /** Computes the columns it can in whole vectors and returns the first column it left to the scalar code. */
  static int forward(float[] a, int rows, int k, float[] w, int wOffset, int n, float[] c, boolean relu) {
    int j = 0;
    for (; j + 4 * LANES <= n; j += 4 * LANES) {
      int r = WIDE ? fourVectorsFourRows(a, rows, k, w, wOffset, n, c, relu, j) : 0;
      fourVectors(a, rows, k, w, wOffset, n, c, relu, j, r);
    }
    if (WIDE && j + 3 * LANES <= n) {
      int r = threeVectorsFourRows(a, rows, k, w, wOffset, n, c, relu, j);
      for (int v = 0; v < 3; v++) oneVector(a, rows, k, w, wOffset, n, c, relu, j + v * LANES, r);
      j += 3 * LANES;
    }
    for (; j + LANES <= n; j += LANES) oneVector(a, rows, k, w, wOffset, n, c, relu, j, 0);
    if (j < n && n >= LANES) {
      // The last outputs as one vector overlapping those before it, which come out the same (VectorGemm.product).
      oneVector(a, rows, k, w, wOffset, n, c, relu, n - LANES, 0);
      j = n;
    }
    return j;
  }

  /** Four rows x four vectors of outputs on AVX-512's 32 registers (VectorGemm); returns the first row it left. */
  private static int fourVectorsFourRows(float[] a, int rows, int k, float[] w, int wOffset, int n, float[] c,
                                         boolean relu, int j) {
    int bOffset = wOffset + k * n + j;
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
      FloatVector c00 = FloatVector.fromArray(F, w, bOffset);
      FloatVector c01 = FloatVector.fromArray(F, w, bOffset + LANES);
      FloatVector c02 = FloatVector.fromArray(F, w, bOffset + 2 * LANES);
      FloatVector c03 = FloatVector.fromArray(F, w, bOffset + 3 * LANES);
      FloatVector c10 = c00;
      FloatVector c11 = c01;
      FloatVector c12 = c02;
      FloatVector c13 = c03;
      FloatVector c20 = c00;
      FloatVector c21 = c01;
      FloatVector c22 = c02;
      FloatVector c23 = c03;
      FloatVector c30 = c00;
      FloatVector c31 = c01;
      FloatVector c32 = c02;
      FloatVector c33 = c03;
      int a0 = r * k;
      for (int q = 0; q < k; q++) {
        int wq = wOffset + q * n + j;
        FloatVector w0 = FloatVector.fromArray(F, w, wq);
        FloatVector w1 = FloatVector.fromArray(F, w, wq + LANES);
        FloatVector w2 = FloatVector.fromArray(F, w, wq + 2 * LANES);
        FloatVector w3 = FloatVector.fromArray(F, w, wq + 3 * LANES);
        FloatVector x = FloatVector.broadcast(F, a[a0 + q]);
        c00 = w0.fma(x, c00);
        c01 = w1.fma(x, c01);
        c02 = w2.fma(x, c02);
        c03 = w3.fma(x, c03);
        x = FloatVector.broadcast(F, a[a0 + k + q]);
        c10 = w0.fma(x, c10);
        c11 = w1.fma(x, c11);
        c12 = w2.fma(x, c12);
        c13 = w3.fma(x, c13);
        x = FloatVector.broadcast(F, a[a0 + 2 * k + q]);
        c20 = w0.fma(x, c20);
        c21 = w1.fma(x, c21);
        c22 = w2.fma(x, c22);
        c23 = w3.fma(x, c23);
        x = FloatVector.broadcast(F, a[a0 + 3 * k + q]);
        c30 = w0.fma(x, c30);
        c31 = w1.fma(x, c31);
        c32 = w2.fma(x, c32);
        c33 = w3.fma(x, c33);
      }
      if (relu) {
        c00 = c00.max(0f);
        c01 = c01.max(0f);
        c02 = c02.max(0f);
        c03 = c03.max(0f);
        c10 = c10.max(0f);
        c11 = c11.max(0f);
        c12 = c12.max(0f);
        c13 = c13.max(0f);
        c20 = c20.max(0f);
        c21 = c21.max(0f);
        c22 = c22.max(0f);
        c23 = c23.max(0f);
        c30 = c30.max(0f);
        c31 = c31.max(0f);
        c32 = c32.max(0f);
        c33 = c33.max(0f);
      }
      int o = r * n + j;
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
    return r;
  }

  /** Four rows x three vectors of outputs (AVX-512), as VectorGemm's; returns the first row it left. */
  private static int threeVectorsFourRows(float[] a, int rows, int k, float[] w, int wOffset, int n, float[] c,
                                          boolean relu, int j) {
    int bOffset = wOffset + k * n + j;
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
      FloatVector c00 = FloatVector.fromArray(F, w, bOffset);
      FloatVector c01 = FloatVector.fromArray(F, w, bOffset + LANES);
      FloatVector c02 = FloatVector.fromArray(F, w, bOffset + 2 * LANES);
      FloatVector c10 = c00;
      FloatVector c11 = c01;
      FloatVector c12 = c02;
      FloatVector c20 = c00;
      FloatVector c21 = c01;
      FloatVector c22 = c02;
      FloatVector c30 = c00;
      FloatVector c31 = c01;
      FloatVector c32 = c02;
      int a0 = r * k;
      for (int q = 0; q < k; q++) {
        int wq = wOffset + q * n + j;
        FloatVector w0 = FloatVector.fromArray(F, w, wq);
        FloatVector w1 = FloatVector.fromArray(F, w, wq + LANES);
        FloatVector w2 = FloatVector.fromArray(F, w, wq + 2 * LANES);
        FloatVector x = FloatVector.broadcast(F, a[a0 + q]);
        c00 = w0.fma(x, c00);
        c01 = w1.fma(x, c01);
        c02 = w2.fma(x, c02);
        x = FloatVector.broadcast(F, a[a0 + k + q]);
        c10 = w0.fma(x, c10);
        c11 = w1.fma(x, c11);
        c12 = w2.fma(x, c12);
        x = FloatVector.broadcast(F, a[a0 + 2 * k + q]);
        c20 = w0.fma(x, c20);
        c21 = w1.fma(x, c21);
        c22 = w2.fma(x, c22);
        x = FloatVector.broadcast(F, a[a0 + 3 * k + q]);
        c30 = w0.fma(x, c30);
        c31 = w1.fma(x, c31);
        c32 = w2.fma(x, c32);
      }
      if (relu) {
        c00 = c00.max(0f);
        c01 = c01.max(0f);
        c02 = c02.max(0f);
        c10 = c10.max(0f);
        c11 = c11.max(0f);
        c12 = c12.max(0f);
        c20 = c20.max(0f);
        c21 = c21.max(0f);
        c22 = c22.max(0f);
        c30 = c30.max(0f);
        c31 = c31.max(0f);
        c32 = c32.max(0f);
      }
      int o = r * n + j;
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
    return r;
  }

  /** Rows {@code from}..rows-1 of four vectors of outputs, two rows at a time. */
  private static void fourVectors(float[] a, int rows, int k, float[] w, int wOffset, int n, float[] c, boolean relu,
                                  int j, int from) {
    // The biases are loaded afresh per row pair: kept in registers they would push the 8 accumulators, 4 weight
    // vectors and 2 broadcasts past AVX2's 16 registers (measured: 40 against 60+ GFLOP/s).
    int bOffset = wOffset + k * n + j;
    int r = from;
    for (; r + 2 <= rows; r += 2) {
      FloatVector c00 = FloatVector.fromArray(F, w, bOffset);
      FloatVector c01 = FloatVector.fromArray(F, w, bOffset + LANES);
      FloatVector c02 = FloatVector.fromArray(F, w, bOffset + 2 * LANES);
      FloatVector c03 = FloatVector.fromArray(F, w, bOffset + 3 * LANES);
      FloatVector c10 = c00;
      FloatVector c11 = c01;
      FloatVector c12 = c02;
      FloatVector c13 = c03;
      int a0 = r * k;
      for (int q = 0; q < k; q++) {
        int wq = wOffset + q * n + j;
        FloatVector w0 = FloatVector.fromArray(F, w, wq);
        FloatVector w1 = FloatVector.fromArray(F, w, wq + LANES);
        FloatVector w2 = FloatVector.fromArray(F, w, wq + 2 * LANES);
        FloatVector w3 = FloatVector.fromArray(F, w, wq + 3 * LANES);
        FloatVector x0 = FloatVector.broadcast(F, a[a0 + q]);
        FloatVector x1 = FloatVector.broadcast(F, a[a0 + k + q]);
        c00 = w0.fma(x0, c00);
        c01 = w1.fma(x0, c01);
        c02 = w2.fma(x0, c02);
        c03 = w3.fma(x0, c03);
        c10 = w0.fma(x1, c10);
        c11 = w1.fma(x1, c11);
        c12 = w2.fma(x1, c12);
        c13 = w3.fma(x1, c13);
      }
      if (relu) {
        c00 = c00.max(0f);
        c01 = c01.max(0f);
        c02 = c02.max(0f);
        c03 = c03.max(0f);
        c10 = c10.max(0f);
        c11 = c11.max(0f);
        c12 = c12.max(0f);
        c13 = c13.max(0f);
      }
      int o = r * n + j;
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
    for (; r < rows; r++) {
      FloatVector c0 = FloatVector.fromArray(F, w, bOffset);
      FloatVector c1 = FloatVector.fromArray(F, w, bOffset + LANES);
      FloatVector c2 = FloatVector.fromArray(F, w, bOffset + 2 * LANES);
      FloatVector c3 = FloatVector.fromArray(F, w, bOffset + 3 * LANES);
      for (int q = 0; q < k; q++) {
        int wq = wOffset + q * n + j;
        FloatVector x = FloatVector.broadcast(F, a[r * k + q]);
        c0 = FloatVector.fromArray(F, w, wq).fma(x, c0);
        c1 = FloatVector.fromArray(F, w, wq + LANES).fma(x, c1);
        c2 = FloatVector.fromArray(F, w, wq + 2 * LANES).fma(x, c2);
        c3 = FloatVector.fromArray(F, w, wq + 3 * LANES).fma(x, c3);
      }
      if (relu) {
        c0 = c0.max(0f);
        c1 = c1.max(0f);
        c2 = c2.max(0f);
        c3 = c3.max(0f);
      }
      int o = r * n + j;
      c0.intoArray(c, o);
      c1.intoArray(c, o + LANES);
      c2.intoArray(c, o + 2 * LANES);
      c3.intoArray(c, o + 3 * LANES);
    }
  }

  /** Rows {@code from}..rows-1 of one vector of outputs, eight rows at a time. */
  private static void oneVector(float[] a, int rows, int k, float[] w, int wOffset, int n, float[] c, boolean relu,
                                int j, int from) {
    FloatVector bias = FloatVector.fromArray(F, w, wOffset + k * n + j);
    int r = from;
    for (; r + 8 <= rows; r += 8) {
      FloatVector s0 = bias;
      FloatVector s1 = bias;
      FloatVector s2 = bias;
      FloatVector s3 = bias;
      FloatVector s4 = bias;
      FloatVector s5 = bias;
      FloatVector s6 = bias;
      FloatVector s7 = bias;
      int a0 = r * k;
      for (int q = 0; q < k; q++) {
        FloatVector wq = FloatVector.fromArray(F, w, wOffset + q * n + j);
        s0 = wq.fma(FloatVector.broadcast(F, a[a0 + q]), s0);
        s1 = wq.fma(FloatVector.broadcast(F, a[a0 + k + q]), s1);
        s2 = wq.fma(FloatVector.broadcast(F, a[a0 + 2 * k + q]), s2);
        s3 = wq.fma(FloatVector.broadcast(F, a[a0 + 3 * k + q]), s3);
        s4 = wq.fma(FloatVector.broadcast(F, a[a0 + 4 * k + q]), s4);
        s5 = wq.fma(FloatVector.broadcast(F, a[a0 + 5 * k + q]), s5);
        s6 = wq.fma(FloatVector.broadcast(F, a[a0 + 6 * k + q]), s6);
        s7 = wq.fma(FloatVector.broadcast(F, a[a0 + 7 * k + q]), s7);
      }
      if (relu) {
        s0 = s0.max(0f);
        s1 = s1.max(0f);
        s2 = s2.max(0f);
        s3 = s3.max(0f);
        s4 = s4.max(0f);
        s5 = s5.max(0f);
        s6 = s6.max(0f);
        s7 = s7.max(0f);
      }
      s0.intoArray(c, r * n + j);
      s1.intoArray(c, (r + 1) * n + j);
      s2.intoArray(c, (r + 2) * n + j);
      s3.intoArray(c, (r + 3) * n + j);
      s4.intoArray(c, (r + 4) * n + j);
      s5.intoArray(c, (r + 5) * n + j);
      s6.intoArray(c, (r + 6) * n + j);
      s7.intoArray(c, (r + 7) * n + j);
    }
    for (; r < rows; r++) {
      FloatVector s = bias;
      for (int q = 0; q < k; q++) {
        s = FloatVector.fromArray(F, w, wOffset + q * n + j).fma(FloatVector.broadcast(F, a[r * k + q]), s);
      }
      (relu ? s.max(0f) : s).intoArray(c, r * n + j);
    }
  }
}
