package org.sparkbnn.bayes.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AffineKernel}'s columns on the Java 17 Vector API: lanes run along the outputs, each lane the same chain
 * as the scalar code (bias, then a fused multiply-add per input in order, then max(., 0) for relu), so the result
 * does not depend on the vector width or on whether the module is present. Register blocking: two rows x four
 * vectors of outputs share each loaded weight vector; outputs left over take one vector and four rows at a time.
 */
final class VectorAffine {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = F.length();

  private VectorAffine() {}

  /** Computes the columns it can in whole vectors and returns the first column it left to the scalar code. */
  static int forward(float[] a, int rows, int k, float[] w, int wOffset, int n, float[] c, boolean relu) {
    int j = 0;
    for (; j + 4 * LANES <= n; j += 4 * LANES) fourVectors(a, rows, k, w, wOffset, n, c, relu, j);
    for (; j + LANES <= n; j += LANES) oneVector(a, rows, k, w, wOffset, n, c, relu, j);
    return j;
  }

  private static void fourVectors(float[] a, int rows, int k, float[] w, int wOffset, int n, float[] c, boolean relu,
                                  int j) {
    // The biases are loaded afresh per row pair: kept in registers they would push the 8 accumulators, 4 weight
    // vectors and 2 broadcasts past AVX2's 16 registers (measured: 40 against 60+ GFLOP/s).
    int bOffset = wOffset + k * n + j;
    int r = 0;
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
      store(c00, c01, c02, c03, c, r * n + j, relu);
      store(c10, c11, c12, c13, c, (r + 1) * n + j, relu);
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
      store(c0, c1, c2, c3, c, r * n + j, relu);
    }
  }

  private static void oneVector(float[] a, int rows, int k, float[] w, int wOffset, int n, float[] c, boolean relu,
                                int j) {
    FloatVector bias = FloatVector.fromArray(F, w, wOffset + k * n + j);
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
      FloatVector s0 = bias;
      FloatVector s1 = bias;
      FloatVector s2 = bias;
      FloatVector s3 = bias;
      int a0 = r * k;
      for (int q = 0; q < k; q++) {
        FloatVector wq = FloatVector.fromArray(F, w, wOffset + q * n + j);
        s0 = wq.fma(FloatVector.broadcast(F, a[a0 + q]), s0);
        s1 = wq.fma(FloatVector.broadcast(F, a[a0 + k + q]), s1);
        s2 = wq.fma(FloatVector.broadcast(F, a[a0 + 2 * k + q]), s2);
        s3 = wq.fma(FloatVector.broadcast(F, a[a0 + 3 * k + q]), s3);
      }
      activate(s0, relu).intoArray(c, r * n + j);
      activate(s1, relu).intoArray(c, (r + 1) * n + j);
      activate(s2, relu).intoArray(c, (r + 2) * n + j);
      activate(s3, relu).intoArray(c, (r + 3) * n + j);
    }
    for (; r < rows; r++) {
      FloatVector s = bias;
      for (int q = 0; q < k; q++) {
        s = FloatVector.fromArray(F, w, wOffset + q * n + j).fma(FloatVector.broadcast(F, a[r * k + q]), s);
      }
      activate(s, relu).intoArray(c, r * n + j);
    }
  }

  private static void store(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3, float[] c, int offset,
                            boolean relu) {
    activate(v0, relu).intoArray(c, offset);
    activate(v1, relu).intoArray(c, offset + LANES);
    activate(v2, relu).intoArray(c, offset + 2 * LANES);
    activate(v3, relu).intoArray(c, offset + 3 * LANES);
  }

  private static FloatVector activate(FloatVector v, boolean relu) {
    return relu ? v.max(0f) : v;
  }
}
