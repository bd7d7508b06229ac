package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/** Statistical behaviour of the fitted posterior on y = sin(3x) + N(0, 0.1^2), x in [-1, 1]. */
class SineRegressionTest {
  private static final double NOISE_VAR = 0.01;
  private static SparkSession spark;
  private static BayesByBackpropRegressionModel model;

  @BeforeAll
  static void fit() {
    spark = SparkTestSession.get();
    Dataset<Row> train = SyntheticData.sine(spark, 1000, Math.sqrt(NOISE_VAR), 1, 2).cache();
    long t0 = System.nanoTime();
    model = new BayesByBackpropRegressor()
        .setHiddenLayers(50)
        .setMaxEpochs(300)
        .setBatchSize(100)
        .setSeed(7)
        .setEpistemicVarianceCol("epistemic")
        .setAleatoricVarianceCol("aleatoric")
        .setLowerBoundCol("lower")
        .setUpperBoundCol("upper")
        .fit(train);
    System.out.println("fit seconds " + (System.nanoTime() - t0) / 1e9);
    model.trainingHistory().stream().filter(e -> e.epoch() % 50 == 0).forEach(System.out::println);
  }

  @Test
  void recoversFunctionNoiseAndCoverage() {
    double[] xs = new double[201];
    for (int i = 0; i < xs.length; i++) xs[i] = -1 + 2.0 * i / (xs.length - 1);
    List<Row> grid = model.transform(SyntheticData.grid(spark, xs)).collectAsList();
    double se = 0;
    for (Row r : grid) se += Math.pow(r.getDouble(r.fieldIndex("prediction")) - r.getDouble(1), 2);
    double rmse = Math.sqrt(se / grid.size());
    System.out.println("rmse to sin(3x) " + rmse + " noise variance " + model.noiseVariance());
    assertTrue(rmse < 0.05, "RMSE to sin(3x) " + rmse);
    double noise = model.noiseVariance();
    assertTrue(noise > NOISE_VAR / 1.5 && noise < NOISE_VAR * 1.5, "learned noise variance " + noise);

    List<Row> fresh = model.transform(SyntheticData.sine(spark, 2000, Math.sqrt(NOISE_VAR), 99, 2)).collectAsList();
    int inside = 0;
    for (Row r : fresh) {
      // intervalLevel defaults to 0.9: bounds are mean -+ z_0.95 sd.
      double halfWidth = 1.6448536269514722 * Math.sqrt(r.getDouble(r.fieldIndex("variance")));
      double mean = r.getDouble(r.fieldIndex("prediction"));
      assertEquals(mean - halfWidth, r.getDouble(r.fieldIndex("lower")), 1e-9 * (1 + Math.abs(mean)));
      assertEquals(mean + halfWidth, r.getDouble(r.fieldIndex("upper")), 1e-9 * (1 + Math.abs(mean)));
      double y = r.getDouble(1);
      if (y >= r.getDouble(r.fieldIndex("lower")) && y <= r.getDouble(r.fieldIndex("upper"))) inside++;
    }
    double coverage = inside / (double) fresh.size();
    System.out.println("coverage " + coverage);
    assertTrue(coverage >= 0.85 && coverage <= 0.95, "90% interval coverage " + coverage);
  }

  @Test
  void varianceGrowsOffTheData() {
    List<Row> rows = model.transform(SyntheticData.grid(spark, new double[] {-3, -0.5, 0, 0.5, 3}))
        .collectAsList();
    double inside = 0;
    for (int i = 1; i <= 3; i++) inside = Math.max(inside, rows.get(i).getDouble(rows.get(i).fieldIndex("variance")));
    for (int i : new int[] {0, 4}) {
      double far = rows.get(i).getDouble(rows.get(i).fieldIndex("variance"));
      System.out.println("variance far " + far + " inside " + inside);
      assertTrue(far >= 5 * inside, "variance at |x|=3 " + far + " vs inside " + inside);
    }
  }
}
