package org.sparkbnn.ml.evaluation;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkbnn.ml.ChoiceParam;
import org.sparkbnn.ml.ParamSet;
import org.sparkbnn.ml.paramgen.ParamInterfaces;

/**
 * The Params of {@link GaussianRegressionEvaluator}, each declared with its doc, validator and default;
 * {@code GaussianRegressionParams} and {@code GaussianRegressionSetters} are generated from them.
 */
@ParamInterfaces(accessors = "GaussianRegressionParams", owner = "paramSet", setters = "GaussianRegressionSetters")
public final class GaussianRegressionParamSet extends ParamSet {
  private static final long serialVersionUID = 1L;

  final Param<String> labelCol = column("labelCol", "label column name", "label");
  final Param<String> predictionCol = column("predictionCol", "predictive mean column name", "prediction");
  final Param<String> varianceCol = column("varianceCol", "predictive variance column name", "variance");
  final Param<String> logLikelihoodCol = column("logLikelihoodCol", "column of each row's log predictive density at"
      + " its label (the model's logLikelihoodCol: its weight samples' mixture): nll is minus its mean; empty = the"
      + " density of N(prediction, variance)", "");
  final Param<String> labelCdfCol = column("labelCdfCol", "column of the predictive's CDF at each row's label (the"
      + " model's labelCdfCol): calibrationError counts it; empty = the CDF of N(prediction, variance)", "");
  final ChoiceParam metricName = choice("metricName", "metric: rmse, nll, crps, intervalWidth and calibrationError"
      + " are smaller-is-better; coverage (of the central intervalLevel interval) is for reporting.",
      new String[] {"rmse", "nll", "crps", "coverage", "intervalWidth", "calibrationError"}, "nll");
  final DoubleParam intervalLevel = openUnitInterval("intervalLevel", "mass of the central interval", 0.9);
  final IntParam numQuantileLevels = atLeast("numQuantileLevels", "calibrationError: number of evenly spaced"
      + " quantile levels", 1, 9);

  GaussianRegressionParamSet(Params owner) {
    super(owner);
  }
}
