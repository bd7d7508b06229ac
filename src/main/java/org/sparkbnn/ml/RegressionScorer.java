package org.sparkbnn.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.sparkbnn.bayes.GaussianPredictive;
import org.sparkbnn.bayes.IntervalCalibration;

/**
 * Appends the regression columns: mean, variance and (if configured) the epistemic and aleatoric parts and the
 * interval bounds, in the label's original units; a calibrated model's bounds use its held-out quantiles
 * ({@link IntervalCalibration}).
 */
final class RegressionScorer extends BatchScorer<GaussianPredictive> {
  private static final long serialVersionUID = 1L;

  private final RegressionOutput[] outputs;
  /** Bounds are mean -+ halfWidth sqrt(variance): the calibrated quantile, or the Gaussian one without calibration. */
  private final double halfWidth;

  RegressionScorer(FittedNetwork fitted, StructType inputSchema, BayesByBackpropRegressionModel params) {
    super(fitted, inputSchema, params, params.getFeaturesCol());
    this.outputs = RegressionOutput.enabled(params);
    this.halfWidth = fitted.calibration.halfWidth(params.getIntervalLevel());
  }

  @Override
  GaussianPredictive predictive() {
    return new GaussianPredictive(sampledNetworks(), spec.network().likelihood());
  }

  @Override
  List<InternalRow> scoreBatch(List<InternalRow> batch, Vector[] features, long[] rowIndices, float[] x,
                               GaussianPredictive predictive) {
    double[] m = predictive.predict(x, batch.size());
    double scale2 = standardization.labelScale() * standardization.labelScale();
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
      for (RegressionOutput o : outputs) values[c++] = o.value(mean, epi, alea, halfWidth);
      out.add(InternalRows.append(batch.get(i), values));
    }
    return out;
  }
}
