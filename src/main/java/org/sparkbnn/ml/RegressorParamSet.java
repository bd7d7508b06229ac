package org.sparkbnn.ml;

import static org.sparkbnn.ml.ParamDefinitions.*;

import java.io.Serializable;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** The regression-only Params (likelihood, variance and interval columns) and their defaults. */
public final class RegressorParamSet implements Serializable {
  private static final long serialVersionUID = 1L;

  final Param<String> varianceCol;
  final Param<String> epistemicVarianceCol;
  final Param<String> aleatoricVarianceCol;
  final Param<String> lowerBoundCol;
  final Param<String> upperBoundCol;
  final DoubleParam intervalLevel;
  final Param<String> likelihood;

  RegressorParamSet(Params owner) {
    varianceCol = column(owner, "varianceCol", "output column: predictive variance (epistemic + aleatoric)");
    owner.setDefault(varianceCol, "variance");
    epistemicVarianceCol = column(owner, "epistemicVarianceCol",
        "output column: epistemic part of the predictive variance (variance of the sampled means); empty = off");
    owner.setDefault(epistemicVarianceCol, "");
    aleatoricVarianceCol = column(owner, "aleatoricVarianceCol",
        "output column: aleatoric part of the predictive variance (mean noise variance); empty = off");
    owner.setDefault(aleatoricVarianceCol, "");
    lowerBoundCol = column(owner, "lowerBoundCol",
        "output column: lower end of the central intervalLevel prediction interval; empty = off");
    owner.setDefault(lowerBoundCol, "");
    upperBoundCol = column(owner, "upperBoundCol",
        "output column: upper end of the central intervalLevel prediction interval; empty = off");
    owner.setDefault(upperBoundCol, "");
    intervalLevel = openUnitInterval(owner, "intervalLevel", "probability mass of the prediction interval, "
        + "mean +- z sqrt(variance) with z the Gaussian quantile (a Gaussian approximation of the predictive)");
    owner.setDefault(intervalLevel, 0.9);
    likelihood = choice(owner, "likelihood", "Gaussian noise model: one learned noise variance, or a per-row "
        + "variance predicted by the network.", LIKELIHOODS);
    owner.setDefault(likelihood, "homoscedastic");
  }
}
