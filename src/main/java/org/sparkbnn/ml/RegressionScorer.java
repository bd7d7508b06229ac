package org.sparkbnn.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.sparkbnn.bayes.GaussianPredictive;
import org.sparkbnn.bayes.IntervalCalibration;
import org.sparkbnn.input.InvalidRowException;

/**
 * Appends the regression columns: mean, variance and (if configured) the epistemic and aleatoric parts, the
 * interval bounds and the predictive's log density and CDF at the label, in the label's original units; a
 * calibrated model's bounds use its held-out quantiles ({@link IntervalCalibration}).
 */
final class RegressionScorer extends BatchScorer<GaussianPredictive> {
  private static final long serialVersionUID = 1L;

  private final RegressionOutput[] outputs;
  /** Bounds are mean -+ halfWidth sqrt(variance): the calibrated quantile, or the Gaussian one without calibration. */
  private final double halfWidth;
  /** The label column that the log-likelihood and CDF columns read, or -1 when both are off. */
  private final int labelIndex;
  private final boolean densities;
  private final boolean cdfs;
  private final DataType labelType;
  private final String labelCol;

  RegressionScorer(FittedNetwork fitted, StructType inputSchema, BayesByBackpropRegressionModel params) {
    super(fitted, inputSchema, params, params.getFeaturesCol());
    this.outputs = RegressionOutput.enabled(params);
    this.halfWidth = fitted.calibration.halfWidth(params.getIntervalLevel());
    this.labelCol = params.getLabelCol();
    this.labelIndex = RegressionOutput.labelIndex(inputSchema, params, labelCol);
    this.densities = Arrays.asList(outputs).contains(RegressionOutput.LOG_LIKELIHOOD);
    this.cdfs = Arrays.asList(outputs).contains(RegressionOutput.LABEL_CDF);
    this.labelType = labelIndex < 0 ? null : inputSchema.fields()[labelIndex].dataType();
  }

  @Override
  GaussianPredictive predictive() {
    return new GaussianPredictive(sampledNetworks(), spec.network().likelihood());
  }

  @Override
  List<InternalRow> scoreBatch(List<InternalRow> batch, Vector[] features, long[] rowIndices, float[] x,
                               GaussianPredictive predictive) {
    double[] y = labelIndex < 0 ? null : standardizedLabels(batch, features, rowIndices);
    double[] logDensity = densities ? new double[batch.size()] : null;
    double[] cdf = cdfs ? new double[batch.size()] : null;
    double[] m = predictive.predict(x, batch.size(), y, logDensity, cdf);
    double scale2 = standardization.labelScale() * standardization.labelScale();
    // The density of the label in original units: that of the standardised label divided by the scale.
    double logScale = Math.log(standardization.labelScale());
    List<InternalRow> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      double mean = m[3 * i] * standardization.labelScale() + standardization.labelMean();
      double epi = m[3 * i + 1] * scale2;
      double alea = m[3 * i + 2] * scale2;
      if (!Double.isFinite(mean) || !Double.isFinite(epi) || !Double.isFinite(alea)) {
        throw notFinite("mean " + mean + ", epistemic variance " + epi + ", aleatoric variance " + alea,
            features[i], rowIndices[i]);
      }
      Object[] values = new Object[1 + outputs.length];
      int c = 0;
      values[c++] = mean;
      RegressionOutput.RowPredictive row = new RegressionOutput.RowPredictive(mean, epi, alea,
          densities ? logDensity[i] - logScale : Double.NaN, cdfs ? cdf[i] : Double.NaN);
      for (RegressionOutput o : outputs) values[c++] = o.value(row, halfWidth);
      out.add(InternalRows.append(batch.get(i), values));
    }
    return out;
  }

  /** The batch's labels, standardised; a missing or non-finite one fails, naming the row. */
  private double[] standardizedLabels(List<InternalRow> batch, Vector[] features, long[] rowIndices) {
    double[] y = new double[batch.size()];
    for (int i = 0; i < y.length; i++) {
      double label = InternalRows.number(batch.get(i), labelIndex, labelType);
      if (!Double.isFinite(label)) {
        throw new InvalidRowException("label column '" + labelCol + "' is " + (Double.isNaN(label) ? "null or NaN"
            : label) + " in the row with features " + features[i] + ", and logLikelihoodCol or labelCdfCol scores"
            + " the label",
            TaskContext.getPartitionId(), rowIndices[i], "drop rows without a label, or switch those columns off");
      }
      y[i] = (label - standardization.labelMean()) / standardization.labelScale();
    }
    return y;
  }
}
