package org.sparkbnn.bayes.cpu;

import java.util.Arrays;
import org.sparkbnn.bayes.Activation;
import org.sparkbnn.bayes.NetworkArchitecture;

/** The element-wise passes the fused training and scoring kernels share, on row-major float arrays. */
final class FusedOps {
  private FusedOps() {}

  /**
   * a += bias row by row, then the activation in place (one pass); {@code activation} null for the output
   * layer, which has none.
   */
  static void addBiasAndActivate(float[] a, float[] bias, int biasOffset, int rows, int cols, Activation activation) {
    if (activation == null) {
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
    if (activation == Activation.RELU) {
      for (int i = 0; i < n; i++) gradH[i] = h[i] > 0f ? gradH[i] : 0f;
    } else {
      for (int i = 0; i < n; i++) gradH[i] *= 1f - h[i] * h[i];
    }
  }

  /** out[outOffset + j] = sum over rows of m[r, j]. */
  static void columnSums(float[] m, int rows, int cols, float[] out, int outOffset) {
    Arrays.fill(out, outOffset, outOffset + cols, 0f);
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      for (int j = 0; j < cols; j++) out[outOffset + j] += m[o + j];
    }
  }

  /** Offset of layer l's bias in a weight vector: after its nIn x nOut matrix. */
  static int biasOffset(NetworkArchitecture architecture, int layer) {
    return architecture.weightOffset(layer) + architecture.layerInputs(layer) * architecture.layerOutputs(layer);
  }
}
