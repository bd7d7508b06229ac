package org.sparkbnn.bayes;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Categorical observation model over K classes with softmax link: the network's K outputs are logits l and
 * -log p(y = c) = logsumexp(l) - l_c, so dNLL/dl_k = softmax(l)_k - 1[k = c]. Labels arrive as class indices
 * 0..K-1 stored in the (float) label column; the log-sum-exp is shifted by max(l), so large logits cannot
 * overflow. No point-estimated parameters.
 */
public final class CategoricalLikelihood implements Likelihood {
  private static final long serialVersionUID = 1L;

  private final int numClasses;

  public CategoricalLikelihood(int numClasses) {
    if (numClasses < 2) throw new IllegalArgumentException("a categorical likelihood needs >= 2 classes, got "
        + numClasses);
    this.numClasses = numClasses;
  }

  public int numClasses() { return numClasses; }

  @Override public int numOutputs() { return numClasses; }
  @Override public int numParameters() { return 0; }
  @Override public double[] initialParameters() { return new double[0]; }

  @Override
  public double negLogLikelihood(INDArray out, INDArray y, INDArray params, INDArray gradOut,
                                 INDArray gradParams) {
    int rows = (int) out.rows();
    // Small (rows x K) work: plain Java beats a chain of ND4J ops here, and doubles keep the log-sum-exp exact.
    double[][] logits = out.toDoubleMatrix();
    double[] labels = y.reshape(rows).toDoubleVector();
    double[][] grad = new double[rows][numClasses];
    double nll = 0;
    for (int r = 0; r < rows; r++) {
      int c = (int) labels[r];
      double lse = logSumExp(logits[r]);
      nll += lse - logits[r][c];
      for (int k = 0; k < numClasses; k++) grad[r][k] = Math.exp(logits[r][k] - lse);
      grad[r][c] -= 1.0;
    }
    gradOut.assign(Nd4j.createFromArray(grad).castTo(out.dataType()));
    return nll;
  }

  @Override
  public double negLogLikelihood(double[] out, double[] y, int rows, double[] params, double[] gradOut,
                                 double[] gradParams) {
    int k = numClasses;
    double nll = 0;
    for (int r = 0; r < rows; r++) {
      int o = r * k;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) max = Math.max(max, out[o + c]);
      double sum = 0;
      for (int c = 0; c < k; c++) sum += Math.exp(out[o + c] - max);
      double lse = max + Math.log(sum);
      int label = (int) y[r];
      nll += lse - out[o + label];
      for (int c = 0; c < k; c++) gradOut[o + c] = Math.exp(out[o + c] - lse);
      gradOut[o + label] -= 1;
    }
    return nll;
  }

  /** log sum_k e^{v_k}, shifted by the maximum so that it neither overflows nor underflows. */
  static double logSumExp(double[] v) {
    return logSumExp(v, 0, v.length, 1.0);
  }

  /** log sum_k e^{scale v[from + k]} over k < n, shifted likewise (scale 1 gives the bits of the above). */
  static double logSumExp(double[] v, int from, int n, double scale) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = from; k < from + n; k++) max = Math.max(max, scale * v[k]);
    double sum = 0;
    for (int k = from; k < from + n; k++) sum += Math.exp(scale * v[k] - max);
    return max + Math.log(sum);
  }
}
