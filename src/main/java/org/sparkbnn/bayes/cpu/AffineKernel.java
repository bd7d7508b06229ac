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

  private AffineKernel() {}

  /** c (rows x n, row-major) = f(a W + b) for a (rows x k, row-major); {@code activation} null for none. */
  static void forward(float[] a, int rows, int k, float[] w, int wOffset, int n, float[] c, Activation activation) {
    boolean relu = activation == Activation.RELU;
    int done = VECTOR ? VectorAffine.forward(a, rows, k, w, wOffset, n, c, relu) : 0;
    Gemm.scalarColumns(a, 0, k, 1, rows, k, w, wOffset, n, c, 0, wOffset + k * n, relu, done);
    if (activation == Activation.TANH) {
      for (int i = 0; i < rows * n; i++) c[i] = (float) Math.tanh(c[i]);
    }
  }
}
