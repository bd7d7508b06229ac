package org.sparkbnn.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkbnn.bayes.GaussianPredictive;

/**
 * Appends the regression columns: mean, variance and (if configured) the epistemic and aleatoric parts and the
 * interval bounds, in the label's original units.
 */
final class RegressionScorer extends BatchScorer<GaussianPredictive> {
  private static final long serialVersionUID = 1L;

  private final boolean epistemic;
  private final boolean aleatoric;
  private final boolean lower;
  private final boolean upper;
  /** Gaussian quantile of the interval: bounds are mean -+ z sqrt(variance). */
  private final double z;

  RegressionScorer(FittedNetwork fitted, int featuresIndex, BayesByBackpropRegressionModel params) {
    super(fitted, featuresIndex, params, params.getFeaturesCol());
    this.epistemic = !params.getEpistemicVarianceCol().isEmpty();
    this.aleatoric = !params.getAleatoricVarianceCol().isEmpty();
    this.lower = !params.getLowerBoundCol().isEmpty();
    this.upper = !params.getUpperBoundCol().isEmpty();
    this.z = new NormalDistribution().inverseCumulativeProbability(0.5 + params.getIntervalLevel() / 2);
  }

  @Override
  GaussianPredictive predictive() {
    return new GaussianPredictive(spec.network(), theta, samples, seed);
  }

  @Override
  List<Row> scoreBatch(List<Row> batch, INDArray x, GaussianPredictive predictive) {
    double[][] m = predictive.predict(x).toDoubleMatrix();
    double scale2 = standardization.labelScale() * standardization.labelScale();
    int extra = 2 + count(epistemic, aleatoric, lower, upper);
    List<Row> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      double mean = m[i][0] * standardization.labelScale() + standardization.labelMean();
      double epi = m[i][1] * scale2;
      double alea = m[i][2] * scale2;
      if (!Double.isFinite(mean) || !Double.isFinite(epi) || !Double.isFinite(alea)) {
        throw new IllegalStateException("prediction is not finite (mean " + mean + ", epistemic variance " + epi
            + ", aleatoric variance " + alea + ") for features " + batch.get(i).get(featuresIndex));
      }
      Row row = batch.get(i);
      Object[] values = widen(row, extra);
      int c = row.length();
      values[c++] = mean;
      values[c++] = epi + alea;
      if (epistemic) values[c++] = epi;
      if (aleatoric) values[c++] = alea;
      if (lower) values[c++] = mean - z * Math.sqrt(epi + alea);
      if (upper) values[c] = mean + z * Math.sqrt(epi + alea);
      out.add(RowFactory.create(values));
    }
    return out;
  }

  private static int count(boolean... flags) {
    int n = 0;
    for (boolean f : flags) n += f ? 1 : 0;
    return n;
  }
}
