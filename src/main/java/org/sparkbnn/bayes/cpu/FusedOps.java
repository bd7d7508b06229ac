package org.sparkbnn.bayes.cpu;

import java.util.Arrays;
import org.sparkbnn.bayes.Activation;
import org.sparkbnn.bayes.NetworkArchitecture;
import org.sparkbnn.bayes.StableMath;
import org.sparkbnn.bayes.cpu.precision.Float64Twin;

/**
 * The element-wise passes the fused training and scoring kernels share, on row-major float arrays; on
 * {@link VectorOps} when the Vector API is present (the same IEEE operations in the same order: bit-identical
 * results), else scalar loops.
 */
@Float64Twin
final class FusedOps {
  private static final boolean VECTOR = StableMath.VECTOR_API;

  private FusedOps() {}

  /**
   * a += bias row by row, then the activation in place (one pass); {@code activation} null for the output
   * layer, which has none.
   */
  static void addBiasAndActivate(float[] a, float[] bias, int biasOffset, int rows, int cols, Activation activation) {
    if (VECTOR && activation != Activation.TANH) {
      VectorOps.addBias(a, bias, biasOffset, rows, cols, activation == Activation.RELU);
    } else if (activation == null) {
      for (int r = 0; r < rows; r++) {
        int o = r * cols;
        for (int j = 0; j < cols; j++) a[o + j] += bias[biasOffset + j];
      }
    } else if (activation == Activation.RELU) {
      for (int r = 0; r < rows; r++) {
        int o = r * cols;
        for (int j = 0; j < cols; j++) a[o + j] = Math.max(a[o + j] + bias[biasOffset + j], 0f);
      }
    } else {
      for (int r = 0; r < rows; r++) {
        int o = r * cols;
        for (int j = 0; j < cols; j++) a[o + j] = (float) Math.tanh(a[o + j] + bias[biasOffset + j]);
      }
    }
  }

  /** dL/da = dL/dh f'(a) in place, with f' from h = f(a): 1[h > 0] for relu, 1 - h^2 for tanh. */
  static void activationBackward(Activation activation, float[] gradH, float[] h, int n) {
    if (activation == Activation.RELU && VECTOR) {
      VectorOps.reluBackward(gradH, h, n);
    } else if (activation == Activation.RELU) {
      for (int i = 0; i < n; i++) gradH[i] = h[i] > 0f ? gradH[i] : 0f;
    } else {
      for (int i = 0; i < n; i++) gradH[i] *= 1f - h[i] * h[i];
    }
  }

  /** out[outOffset + j] = sum over rows of m[r, j]. */
  static void columnSums(float[] m, int rows, int cols, float[] out, int outOffset) {
    if (VECTOR) {
      VectorOps.columnSums(m, rows, cols, out, outOffset);
      return;
    }
    Arrays.fill(out, outOffset, outOffset + cols, 0f);
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      for (int j = 0; j < cols; j++) out[outOffset + j] += m[o + j];
    }
  }

  /** out[outOffset + i] = a[aOffset + i] + b[i] * c[i] for i < n (multiply, then add). */
  static void addProduct(float[] a, int aOffset, float[] b, float[] c, float[] out, int outOffset, int n) {
    if (VECTOR) {
      VectorOps.addProduct(a, aOffset, b, c, out, outOffset, n);
      return;
    }
    for (int i = 0; i < n; i++) out[outOffset + i] = a[aOffset + i] + b[i] * c[i];
  }

  /**
   * The local reparameterisation's forward pass of one layer, in one pass over its rows x cols pre-activations:
   * std = sqrt(var + sigma_b^2 + floor), pre = mean + mu_b + xi std, q = xi / (2 std) (kept for the backward
   * pass, written over the noise xi in q), a = f(pre), and a^2 for the next layer's variance. {@code bias} is the
   * bias offset in theta (mu) and variance (sigma^2).
   */
  static void localReparameterization(float[] mean, float[] var, float[] theta, float[] variance, int bias,
                                      float[] q, float[] a, float[] squared, int rows, int cols,
                                      Activation activation, boolean hidden, float floor) {
    boolean relu = activation == Activation.RELU;
    if (VECTOR && (relu || !hidden)) {
      VectorOps.localReparameterization(mean, var, theta, variance, bias, q, a, squared, rows, cols, hidden, relu,
          floor);
      return;
    }
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < cols; j++) {
        localReparameterizationElement(mean, var, theta, variance, bias, q, a, squared, r * cols, j, hidden, relu,
            floor);
      }
    }
  }

  static void localReparameterizationElement(float[] mean, float[] var, float[] theta, float[] variance, int bias,
                                             float[] q, float[] a, float[] squared, int o, int j, boolean hidden,
                                             boolean relu, float floor) {
    float std = (float) Math.sqrt(var[o + j] + variance[bias + j] + floor);
    float xi = q[o + j];
    float pre = mean[o + j] + theta[bias + j] + xi * std;
    q[o + j] = xi / (std * 2f);
    float v = !hidden ? pre : relu ? Math.max(pre, 0f) : (float) Math.tanh(pre);
    a[o + j] = v;
    if (hidden) squared[o + j] = v * v;
  }

  /** Offset of layer l's bias in a weight vector: after its nIn x nOut matrix. */
  static int biasOffset(NetworkArchitecture architecture, int layer) {
    return architecture.weightOffset(layer) + architecture.layerInputs(layer) * architecture.layerOutputs(layer);
  }
}
