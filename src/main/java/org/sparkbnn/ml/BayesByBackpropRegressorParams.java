package org.sparkbnn.ml;

import static org.sparkbnn.ml.ParamDefinitions.*;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;

/**
 * Params of {@link BayesByBackpropRegressor} and {@link BayesByBackpropRegressionModel} beyond the shared ones:
 * the Gaussian likelihood and the predictive-variance and interval columns ({@link RegressorParamSet}).
 */
public interface BayesByBackpropRegressorParams extends BayesByBackpropParams {

  /** The owning stage's regression Param objects. */
  RegressorParamSet regressorParams();

  default Param<String> varianceCol() { return regressorParams().varianceCol; }
  default Param<String> epistemicVarianceCol() { return regressorParams().epistemicVarianceCol; }
  default Param<String> aleatoricVarianceCol() { return regressorParams().aleatoricVarianceCol; }
  default Param<String> lowerBoundCol() { return regressorParams().lowerBoundCol; }
  default Param<String> upperBoundCol() { return regressorParams().upperBoundCol; }
  default DoubleParam intervalLevel() { return regressorParams().intervalLevel; }
  default Param<String> likelihood() { return regressorParams().likelihood; }

  default String getVarianceCol() { return getOrDefault(varianceCol()); }
  default String getEpistemicVarianceCol() { return getOrDefault(epistemicVarianceCol()); }
  default String getAleatoricVarianceCol() { return getOrDefault(aleatoricVarianceCol()); }
  default String getLowerBoundCol() { return getOrDefault(lowerBoundCol()); }
  default String getUpperBoundCol() { return getOrDefault(upperBoundCol()); }
  default double getIntervalLevel() { return (Double) getOrDefault(intervalLevel()); }
  default String getLikelihood() {
    return canonical(getOrDefault(likelihood()), LIKELIHOODS);
  }
}
