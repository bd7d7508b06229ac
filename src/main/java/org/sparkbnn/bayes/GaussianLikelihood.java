package org.sparkbnn.bayes;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Gaussian observation noise with log-variance s: -log p(y) = (log 2 pi + s + (y - m)^2 e^{-s}) / 2, so
 * dNLL/dm = -(y - m) e^{-s} and dNLL/ds = (1 - (y - m)^2 e^{-s}) / 2.
 *
 * <p>Homoscedastic: s is one learned parameter shared by all rows (type-II maximum likelihood, as in the
 * reference PyTorch model). Heteroscedastic: the network outputs (m, s) per row.
 * s is clipped to [-{@value #LOG_VAR_LIMIT}, {@value #LOG_VAR_LIMIT}] (zero gradient outside) so that e^{-s}
 * can neither overflow nor vanish, in float32 as in float64.
 */
public final class GaussianLikelihood implements Likelihood {
  private static final long serialVersionUID = 1L;
  static final double LOG_VAR_LIMIT = 20.0;
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  private final boolean heteroscedastic;
  private final double initialLogVariance;

  private GaussianLikelihood(boolean heteroscedastic, double initialLogVariance) {
    this.heteroscedastic = heteroscedastic;
    this.initialLogVariance = initialLogVariance;
  }

  /** One learned noise variance for all rows, starting at {@code initialVariance} (standardised units). */
  public static GaussianLikelihood homoscedastic(double initialVariance) {
    return new GaussianLikelihood(false, Math.log(initialVariance));
  }

  /** The network's second output is the per-row log noise variance. */
  public static GaussianLikelihood heteroscedastic() {
    return new GaussianLikelihood(true, 0.0);
  }

  @Override public int numOutputs() { return heteroscedastic ? 2 : 1; }
  @Override public int numParameters() { return heteroscedastic ? 0 : 1; }
  @Override public double[] initialParameters() {
    return heteroscedastic ? new double[0] : new double[] {initialLogVariance};
  }

  @Override
  public double negLogLikelihood(INDArray out, INDArray y, INDArray params, INDArray gradOut,
                                 INDArray gradParams) {
    long rows = out.rows();
    INDArray mean = out.getColumn(0, true);
    INDArray residual = y.sub(mean);
    INDArray r2 = residual.mul(residual);
    if (heteroscedastic) {
      INDArray rawLogVar = out.getColumn(1, true);
      INDArray logVar = clip(rawLogVar);
      INDArray precision = Transforms.exp(logVar.neg(), false);
      INDArray scaledR2 = r2.mul(precision);
      double nll = 0.5 * (rows * LOG_2PI + logVar.sumNumber().doubleValue() + scaledR2.sumNumber().doubleValue());
      gradOut.getColumn(0, true).assign(residual.muli(precision).negi());
      INDArray inRange = Transforms.abs(rawLogVar, true).lt(LOG_VAR_LIMIT).castTo(out.dataType());
      gradOut.getColumn(1, true).assign(scaledR2.rsubi(1.0).muli(0.5).muli(inRange));
      return nll;
    }
    double rawLogVar = params.getDouble(0);
    double logVar = Math.max(-LOG_VAR_LIMIT, Math.min(LOG_VAR_LIMIT, rawLogVar));
    double precision = Math.exp(-logVar);
    double sumR2 = r2.sumNumber().doubleValue();
    gradOut.assign(residual.muli(-precision));
    if (Math.abs(rawLogVar) < LOG_VAR_LIMIT) {
      gradParams.putScalar(0, gradParams.getDouble(0) + 0.5 * (rows - sumR2 * precision));
    }
    return 0.5 * (rows * (LOG_2PI + logVar) + sumR2 * precision);
  }

  @Override
  public double negLogLikelihood(double[] out, double[] y, int rows, double[] params, double[] gradOut,
                                 double[] gradParams) {
    if (heteroscedastic) {
      double nll = 0;
      for (int r = 0; r < rows; r++) {
        double raw = out[2 * r + 1];
        double logVar = Math.max(-LOG_VAR_LIMIT, Math.min(LOG_VAR_LIMIT, raw));
        double precision = Math.exp(-logVar);
        double residual = y[r] - out[2 * r];
        double scaledR2 = residual * residual * precision;
        nll += logVar + scaledR2;
        gradOut[2 * r] = -residual * precision;
        gradOut[2 * r + 1] = Math.abs(raw) < LOG_VAR_LIMIT ? 0.5 * (1 - scaledR2) : 0;
      }
      return 0.5 * (rows * LOG_2PI + nll);
    }
    double raw = params[0];
    double logVar = Math.max(-LOG_VAR_LIMIT, Math.min(LOG_VAR_LIMIT, raw));
    double precision = Math.exp(-logVar);
    double sumR2 = 0;
    for (int r = 0; r < rows; r++) {
      double residual = y[r] - out[r];
      sumR2 += residual * residual;
      gradOut[r] = -residual * precision;
    }
    if (Math.abs(raw) < LOG_VAR_LIMIT) gradParams[0] += 0.5 * (rows - sumR2 * precision);
    return 0.5 * (rows * (LOG_2PI + logVar) + sumR2 * precision);
  }

  /** Whether the network's second output is the per-row log noise variance. */
  public boolean isHeteroscedastic() { return heteroscedastic; }

  /** The clipped noise variance e^s for a (homoscedastic or per-row) log-variance s. */
  public static double noiseVariance(double logVariance) {
    return Math.exp(Math.max(-LOG_VAR_LIMIT, Math.min(LOG_VAR_LIMIT, logVariance)));
  }

  private static INDArray clip(INDArray logVar) {
    return Transforms.min(Transforms.max(logVar, -LOG_VAR_LIMIT, true), LOG_VAR_LIMIT, false);
  }
}
