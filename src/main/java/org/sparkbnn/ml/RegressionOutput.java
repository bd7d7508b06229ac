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
    @Override double value(RowPredictive row, double halfWidth) { return row.variance(); }
  },
  EPISTEMIC_VARIANCE(BayesByBackpropRegressorParams::epistemicVarianceCol) {
    @Override double value(RowPredictive row, double halfWidth) { return row.epistemic(); }
  },
  ALEATORIC_VARIANCE(BayesByBackpropRegressorParams::aleatoricVarianceCol) {
    @Override double value(RowPredictive row, double halfWidth) { return row.aleatoric(); }
  },
  LOWER_BOUND(BayesByBackpropRegressorParams::lowerBoundCol) {
    @Override double value(RowPredictive row, double halfWidth) {
      return row.mean() - halfWidth * Math.sqrt(row.variance());
    }
  },
  UPPER_BOUND(BayesByBackpropRegressorParams::upperBoundCol) {
    @Override double value(RowPredictive row, double halfWidth) {
      return row.mean() + halfWidth * Math.sqrt(row.variance());
    }
  },
  LOG_LIKELIHOOD(BayesByBackpropRegressorParams::logLikelihoodCol) {
    @Override double value(RowPredictive row, double halfWidth) { return row.logDensity(); }
  },
  LABEL_CDF(BayesByBackpropRegressorParams::labelCdfCol) {
    @Override double value(RowPredictive row, double halfWidth) { return row.labelCdf(); }
  };

  /**
   * One row's predictive in original units: mean, the variance's epistemic and aleatoric parts and, at the row's
   * label, the predictive's log density and its CDF (NaN unless a column that reads the label is enabled).
   */
  record RowPredictive(double mean, double epistemic, double aleatoric, double logDensity, double labelCdf) {
    double variance() { return epistemic + aleatoric; }
  }

  private final Function<BayesByBackpropRegressorParams, Param<String>> param;

  RegressionOutput(Function<BayesByBackpropRegressorParams, Param<String>> param) {
    this.param = param;
  }

  /**
   * The column's value for a row's predictive; the bounds are mean -+ halfWidth sqrt(variance), halfWidth being the
   * interval's quantile (Gaussian, or calibrated).
   */
  abstract double value(RowPredictive row, double halfWidth);

  /** Whether the column reads the row's label. */
  boolean readsLabel() { return this == LOG_LIKELIHOOD || this == LABEL_CDF; }

  String columnName(BayesByBackpropRegressorParams params) {
    return params.getOrDefault(param.apply(params));
  }

  /**
   * The label column's position in {@code schema}, which the enabled columns that read the label need (-1 when none
   * is enabled); an error naming the column and the label if the input has no numeric label column.
   */
  static int labelIndex(StructType schema, BayesByBackpropRegressorParams params, String label) {
    RegressionOutput reader = Arrays.stream(enabled(params)).filter(RegressionOutput::readsLabel).findFirst()
        .orElse(null);
    if (reader == null) return -1;
    String name = reader.param.apply(params).name();
    String why = name + "='" + reader.columnName(params) + "' reads the label column '" + label + "'";
    if (!Arrays.asList(schema.fieldNames()).contains(label)) {
      throw new IllegalArgumentException(why + ", which the input does not have (set labelCol, or " + name
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
   * {@code schema} followed by the enabled columns; a name already in use fails, naming it, as does a column that
   * reads the label without a numeric label column to read.
   */
  static StructType append(StructType schema, BayesByBackpropRegressorParams params, String labelCol) {
    labelIndex(schema, params, labelCol);
    StructType out = schema;
    for (RegressionOutput o : enabled(params)) {
      OutputColumns.requireNew(out, params, o.param.apply(params));
      out = out.add(o.columnName(params), DataTypes.DoubleType, false);
    }
    return out;
  }
}
