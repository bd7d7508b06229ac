package org.sparkbnn.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * The regressor's columns after the prediction, each with the Param that names it (empty = off) and the value
 * it holds. The output schema and the scorer's values are both built from {@link #enabled}, so a column that is
 * switched off can never shift the values of the ones after it.
 */
enum RegressionOutput {
  VARIANCE(BayesByBackpropRegressorParams::varianceCol) {
    @Override double value(double mean, double epistemic, double aleatoric, double halfWidth, double logDensity) {
      return epistemic + aleatoric;
    }
  },
  EPISTEMIC_VARIANCE(BayesByBackpropRegressorParams::epistemicVarianceCol) {
    @Override double value(double mean, double epistemic, double aleatoric, double halfWidth, double logDensity) {
      return epistemic;
    }
  },
  ALEATORIC_VARIANCE(BayesByBackpropRegressorParams::aleatoricVarianceCol) {
    @Override double value(double mean, double epistemic, double aleatoric, double halfWidth, double logDensity) {
      return aleatoric;
    }
  },
  LOWER_BOUND(BayesByBackpropRegressorParams::lowerBoundCol) {
    @Override double value(double mean, double epistemic, double aleatoric, double halfWidth, double logDensity) {
      return mean - halfWidth * Math.sqrt(epistemic + aleatoric);
    }
  },
  UPPER_BOUND(BayesByBackpropRegressorParams::upperBoundCol) {
    @Override double value(double mean, double epistemic, double aleatoric, double halfWidth, double logDensity) {
      return mean + halfWidth * Math.sqrt(epistemic + aleatoric);
    }
  },
  LOG_LIKELIHOOD(BayesByBackpropRegressorParams::logLikelihoodCol) {
    @Override double value(double mean, double epistemic, double aleatoric, double halfWidth, double logDensity) {
      return logDensity;
    }
  };

  private final Function<BayesByBackpropRegressorParams, Param<String>> param;

  RegressionOutput(Function<BayesByBackpropRegressorParams, Param<String>> param) {
    this.param = param;
  }

  /**
   * The column's value from the predictive mean and variance parts (original units); the bounds are
   * mean -+ halfWidth sqrt(variance), halfWidth being the interval's quantile (Gaussian, or calibrated);
   * logDensity is the predictive's log density at the row's label (NaN unless LOG_LIKELIHOOD is enabled).
   */
  abstract double value(double mean, double epistemic, double aleatoric, double halfWidth, double logDensity);

  String columnName(BayesByBackpropRegressorParams params) {
    return params.getOrDefault(param.apply(params));
  }

  /** The label column's position in {@code schema}, which LOG_LIKELIHOOD reads; an error naming it if it has none. */
  static int labelIndex(StructType schema, BayesByBackpropRegressorParams params, String label) {
    String why = "logLikelihoodCol='" + LOG_LIKELIHOOD.columnName(params) + "' reads the label column '" + label + "'";
    if (!Arrays.asList(schema.fieldNames()).contains(label)) {
      throw new IllegalArgumentException(why + ", which the input does not have (set labelCol, or logLikelihoodCol"
          + " to \"\" to score rows without labels)");
    }
    if (!(schema.apply(label).dataType() instanceof NumericType)) {
      throw new IllegalArgumentException(why + ", which holds " + schema.apply(label).dataType().simpleString()
          + ", not numbers");
    }
    return schema.fieldIndex(label);
  }

  /** The columns switched on, in output order. */
  static RegressionOutput[] enabled(BayesByBackpropRegressorParams params) {
    List<RegressionOutput> out = new ArrayList<>();
    for (RegressionOutput o : values()) if (!o.columnName(params).isEmpty()) out.add(o);
    return out.toArray(new RegressionOutput[0]);
  }

  /**
   * {@code schema} followed by the enabled columns; a name already in use fails, naming it, as does a log-likelihood
   * column without a numeric label column to read.
   */
  static StructType append(StructType schema, BayesByBackpropRegressorParams params, String labelCol) {
    if (Arrays.asList(enabled(params)).contains(LOG_LIKELIHOOD)) labelIndex(schema, params, labelCol);
    StructType out = schema;
    for (RegressionOutput o : enabled(params)) {
      String name = o.columnName(params);
      if (Arrays.asList(out.fieldNames()).contains(name)) {
        throw new IllegalArgumentException("output column '" + name + "' (" + o.param.apply(params).name()
            + ") already exists in the input or is used by another output");
      }
      out = out.add(name, DataTypes.DoubleType, false);
    }
    return out;
  }
}
