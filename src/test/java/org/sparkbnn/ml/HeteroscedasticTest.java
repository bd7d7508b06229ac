package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/** likelihood=heteroscedastic recovers a noise standard deviation that grows from 0.05 to 0.30 across x. */
class HeteroscedasticTest {

  /**
   * Tolerances. The learned variance at x estimates sigma^2(x) from the rows near x: a smooth log-variance fit to
   * 1,000 rows pools about 100 of them per grid point, and the log of a chi^2_100 / 100 variable has sd
   * sqrt(2 / 100) = 0.14, so sampling alone moves it by a factor exp(2 x 0.14) = 1.3 at two sd. It also absorbs
   * the mean's own misfit: an error of sd about 0.05 in the fitted sin(3x) adds 0.0025 to the residual variance,
   * a factor 1.45 on the smallest true variance (0.0056 at x = -0.8) and less elsewhere. Together 1.45 x 1.3 = 1.9,
   * hence the band of a factor 2 either side (this seed: 0.83-1.48). The trend: neighbouring grid points' true
   * variances differ by a factor of at least 1.49 (0.275^2 / 0.225^2), more than the sampling factor 1.3 of each,
   * and the additive misfit, the same at both, cannot reverse the order.
   */
  @Test
  void recoversTheNoiseTrend() {
    SparkSession spark = SparkTestSession.get();
    BayesByBackpropRegressionModel model = new BayesByBackpropRegressor().setLengthDoublings(0)
        .setLikelihood("heteroscedastic").setBatchSize(100).setMaxEpochs(250).setSeed(3)
        .setAleatoricVarianceCol("aleatoric")
        .fit(SyntheticData.heteroscedasticSine(spark, 1000, 9, 2));
    double[] xs = {-0.8, -0.4, 0.0, 0.4, 0.8};
    List<Row> rows = model.transform(SyntheticData.grid(spark, xs)).collectAsList();
    double previous = 0;
    for (int i = 0; i < xs.length; i++) {
      double learned = rows.get(i).getDouble(rows.get(i).fieldIndex("aleatoric"));
      double truth = Math.pow(SyntheticData.heteroscedasticStd(xs[i]), 2);
      System.out.printf("x=%.1f aleatoric variance %.5f, true %.5f%n", xs[i], learned, truth);
      assertTrue(learned > truth / 2 && learned < truth * 2, "x=" + xs[i] + ": " + learned + " vs " + truth);
      assertTrue(learned > previous, "noise variance should grow with x");
      previous = learned;
    }
  }
}
