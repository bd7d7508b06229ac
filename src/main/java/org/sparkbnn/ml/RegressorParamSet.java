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
  final Param<String> likelihood = choice("likelihood", "Gaussian noise model: one learned noise variance, or a"
      + " per-row variance predicted by the network.", LIKELIHOODS, "homoscedastic");

  RegressorParamSet(Params owner) {
    super(owner);
  }
}
