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

  @Test
  void recoversTheNoiseTrend() {
    SparkSession spark = SparkTestSession.get();
    BayesByBackpropRegressionModel model = new BayesByBackpropRegressor()
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
