package org.sparkbnn.bayes.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.sparkbnn.bayes.cpu.precision.Float64Twin;

/**
 * {@link FusedOps}' passes on the Java 17 Vector API, used when the jdk.incubator.vector module is present
 * ({@code StableMath.VECTOR_API}). Each computes exactly the scalar pass's IEEE operations in the same order
 * (no fused multiply-add, sums per column in row order), so a step's result does not depend on whether the
 * module is there: only its speed does. Remainders shorter than a vector run the scalar code.
 */
@Float64Twin
final class VectorOps {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = F.length();

  private VectorOps() {}

  static void addBias(float[] a, float[] bias, int biasOffset, int rows, int cols, boolean relu) {
    int vectorCols = cols - cols % LANES;
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      int j = 0;
      for (; j < vectorCols; j += LANES) {
        FloatVector v = FloatVector.fromArray(F, a, o + j).add(FloatVector.fromArray(F, bias, biasOffset + j));
        (relu ? v.max(0f) : v).intoArray(a, o + j);
      }
      for (; j < cols; j++) {
        float v = a[o + j] + bias[biasOffset + j];
        a[o + j] = relu ? Math.max(v, 0f) : v;
      }
    }
  }

  static void reluBackward(float[] gradH, float[] h, int n) {
    int i = 0;
    for (; i < n - n % LANES; i += LANES) {
      FloatVector g = FloatVector.fromArray(F, gradH, i);
      g.blend(0f, FloatVector.fromArray(F, h, i).compare(VectorOperators.LE, 0f)).intoArray(gradH, i);
    }
    for (; i < n; i++) gradH[i] = h[i] > 0f ? gradH[i] : 0f;
  }

  static void columnSums(float[] m, int rows, int cols, float[] out, int outOffset) {
    int vectorCols = cols - cols % LANES;
    for (int j = 0; j < vectorCols; j += LANES) {
      FloatVector sum = FloatVector.zero(F);
      for (int r = 0; r < rows; r++) sum = sum.add(FloatVector.fromArray(F, m, r * cols + j));
      sum.intoArray(out, outOffset + j);
    }
    for (int j = vectorCols; j < cols; j++) {
      float sum = 0f;
      for (int r = 0; r < rows; r++) sum += m[r * cols + j];
      out[outOffset + j] = sum;
    }
  }

  /** out[i] = a[i] + b[i] * c[i] (a multiply, then an add: not fused, as the scalar loop). */
  static void addProduct(float[] a, int aOffset, float[] b, float[] c, float[] out, int outOffset, int n) {
    int i = 0;
    for (; i < n - n % LANES; i += LANES) {
      FloatVector.fromArray(F, a, aOffset + i)
          .add(FloatVector.fromArray(F, b, i).mul(FloatVector.fromArray(F, c, i))).intoArray(out, outOffset + i);
    }
    for (; i < n; i++) out[outOffset + i] = a[aOffset + i] + b[i] * c[i];
  }

  /** The local reparameterisation's forward pass of one layer; see {@link FusedOps#localReparameterization}. */
  static void localReparameterization(float[] mean, float[] var, float[] theta, float[] variance, int bias,
                                      float[] q, float[] a, float[] squared, int rows, int cols, boolean hidden,
                                      boolean relu, float floor) {
    int vectorCols = cols - cols % LANES;
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      int j = 0;
      for (; j < vectorCols; j += LANES) {
        FloatVector std = FloatVector.fromArray(F, var, o + j).add(FloatVector.fromArray(F, variance, bias + j))
            .add(floor).lanewise(VectorOperators.SQRT);
        FloatVector xi = FloatVector.fromArray(F, q, o + j);
        FloatVector pre = FloatVector.fromArray(F, mean, o + j).add(FloatVector.fromArray(F, theta, bias + j))
            .add(xi.mul(std));
        xi.div(std.mul(2f)).intoArray(q, o + j);
        FloatVector v = hidden && relu ? pre.max(0f) : pre;
        v.intoArray(a, o + j);
        if (hidden) v.mul(v).intoArray(squared, o + j);
      }
      for (; j < cols; j++) {
        FusedOps.localReparameterizationElement(mean, var, theta, variance, bias, q, a, squared, o, j, hidden, relu,
            floor);
      }
    }
  }
}
