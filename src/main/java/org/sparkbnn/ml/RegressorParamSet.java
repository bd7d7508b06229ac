package org.sparkbnn.ml;

import static org.sparkbnn.ml.ParamDefinitions.*;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** The regression-only Params (likelihood, variance and interval columns) and their defaults. */
public final class RegressorParamSet extends ParamSet {
  private static final long serialVersionUID = 1L;

  final Param<String> varianceCol = column("varianceCol", "output column: predictive variance (epistemic +"
      + " aleatoric)", "variance");
  final Param<String> epistemicVarianceCol = column("epistemicVarianceCol", "output column: epistemic part of the"
      + " predictive variance (variance of the sampled means); empty = off", "");
  final Param<String> aleatoricVarianceCol = column("aleatoricVarianceCol", "output column: aleatoric part of the"
      + " predictive variance (mean noise variance); empty = off", "");
  final Param<String> lowerBoundCol = column("lowerBoundCol", "output column: lower end of the central"
      + " intervalLevel prediction interval; empty = off", "");
  final Param<String> upperBoundCol = column("upperBoundCol", "output column: upper end of the central"
      + " intervalLevel prediction interval; empty = off", "");
  final DoubleParam intervalLevel = openUnitInterval("intervalLevel", "probability mass of the prediction interval,"
      + " mean +- q sqrt(variance): q the held-out (conformal) quantile of a calibrated model (calibrationFraction),"
      + " else the Gaussian quantile (a Gaussian approximation of the predictive)", 0.9);
  final DoubleParam calibrationFraction = fraction("calibrationFraction", "fraction of the training rows held out"
      + " (chosen by a hash of the row and the seed) to calibrate the interval bounds: they are validated but not"
      + " trained on, and the bounds become mean +- q sd with q the split-conformal quantile of their"
      + " |residual| / sd; mean and variance are unchanged. 0 = uncalibrated (Gaussian intervals). With fewer than"
      + " 20 held-out rows the model stays uncalibrated, and the log says so", 0.0, 0.5, 0.1);
  final Param<String> likelihood = choice("likelihood", "Gaussian noise model: one learned noise variance, or a"
      + " per-row variance predicted by the network.", LIKELIHOODS, "homoscedastic");

  RegressorParamSet(Params owner) {
    super(owner);
  }
}
