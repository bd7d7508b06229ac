package org.sparkbnn.ml;

import java.util.List;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** What a fit's held-out rows score a regression model by, computed through the model's public output. */
final class HeldOutScores {
  private HeldOutScores() {}

  /**
   * Each row's log predictive density at its label ({@code logLikelihoodCol}: the mixture of the weight samples'
   * Gaussians), the per-row score by which the fit chooses lengths and noise models.
   */
  static double[] logDensities(BayesByBackpropRegressionModel model, Dataset<Row> rows) {
    List<Row> scored = model.copy(ParamMap.empty()).setLogLikelihoodCol("heldOutLogDensity")
        .transform(rows).select("heldOutLogDensity").collectAsList();
    double[] ll = new double[scored.size()];
    for (int i = 0; i < ll.length; i++) ll[i] = scored.get(i).getDouble(0);
    return ll;
  }

  /** The mean of {@link #logDensities}. */
  static double meanLogDensity(BayesByBackpropRegressionModel model, Dataset<Row> rows) {
    return java.util.Arrays.stream(logDensities(model, rows)).average().orElseThrow();
  }
}
