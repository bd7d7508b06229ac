package org.sparkbnn.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/** Same seed, data and partitioning give the same model; a row's prediction ignores partitioning. */
class DeterminismTest {
  private static SparkSession spark;
  private static Dataset<Row> train;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    train = SyntheticData.sine(spark, 400, 0.1, 3, 3).cache();
  }

  private static BayesByBackpropRegressor regressor(long seed) {
    return new BayesByBackpropRegressor().setLengthDoublings(0)
        .setHiddenLayers(16).setBatchSize(50).setMaxEpochs(10).setSeed(seed)
        .setEpistemicVarianceCol("epi").setAleatoricVarianceCol("alea").setLogLikelihoodCol("ll")
        .setLabelCdfCol("cdf");
  }

  @Test
  void sameSeedAndPartitioningGiveABitIdenticalModel() {
    double[] first = regressor(11).fit(train).theta();
    double[] second = regressor(11).fit(train).theta();
    assertArrayEquals(first, second, 0.0);
    assertFalse(Arrays.equals(first, regressor(12).fit(train).theta()), "a different seed gave the same model");
  }

  /**
   * One partition against seven: every output of every row bit for bit. The network is [64, 64] wide, where a BLAS
   * product's float32 result for a row changed with the row's position in the batch (a narrow one hid that).
   */
  @Test
  void transformOutputOfARowDoesNotDependOnPartitioning() {
    BayesByBackpropRegressionModel model = regressor(11).setHiddenLayers(64, 64).fit(train);
    Dataset<Row> rows = SyntheticData.sine(spark, 3000, 0.1, 5, 1).withColumn("id", functions.monotonically_increasing_id())
        .cache();
    List<Row> one = model.transform(rows.coalesce(1)).orderBy(col("id")).collectAsList();
    List<Row> seven = model.transform(rows.repartition(7)).orderBy(col("id")).collectAsList();
    assertEquals(3000, one.size());
    assertEquals(one.size(), seven.size());
    for (int i = 0; i < one.size(); i++) {
      for (String c : new String[] {"prediction", "variance", "epi", "alea", "ll", "cdf"}) {
        assertEquals(one.get(i).getDouble(one.get(i).fieldIndex(c)), seven.get(i).getDouble(seven.get(i).fieldIndex(c)),
            0.0, c + " of row " + i);
      }
    }
    Row r = one.get(0);
    assertEquals(r.getDouble(r.fieldIndex("variance")),
        r.getDouble(r.fieldIndex("epi")) + r.getDouble(r.fieldIndex("alea")), 1e-12);
  }

  /** The data-parallel split of each minibatch is an implementation detail: 1 and 4 partitions learn alike. */
  @Test
  void oneAndFourPartitionsReachTheSameQuality() {
    double[] rmse = new double[2];
    int[] partitions = {1, 4};
    double[] xs = new double[101];
    for (int i = 0; i < xs.length; i++) xs[i] = -1 + 2.0 * i / (xs.length - 1);
    for (int k = 0; k < 2; k++) {
      Dataset<Row> data = SyntheticData.sine(spark, 1000, 0.1, 8, partitions[k]);
      // Four partitions on local[2] train in sparkJob mode, a Spark job a step: one likelihood keeps that affordable.
      BayesByBackpropRegressionModel m = new BayesByBackpropRegressor().setLengthDoublings(0)
          .setLikelihood("homoscedastic").setBatchSize(100).setMaxEpochs(120)
          .setSeed(4).fit(data);
      double se = 0;
      for (Row row : m.transform(SyntheticData.grid(spark, xs)).collectAsList()) {
        se += Math.pow(row.getDouble(row.fieldIndex("prediction")) - row.getDouble(1), 2);
      }
      rmse[k] = Math.sqrt(se / xs.length);
    }
    System.out.println("RMSE to sin(3x): 1 partition " + rmse[0] + ", 4 partitions " + rmse[1]);
    // 1000 rows with noise sd 0.1 and 120 epochs: a fit that has learned sin(3x) is within 0.1 sqrt(p / n) ~ 0.02-0.05
    // of it (p = tens of effective parameters, as in SineRegressionTest); 0.08 is that bound for both, and the two
    // may differ by half of it (different minibatch splits, different noise), while a partitioning that lost data
    // or double-counted a partition's gradient would be off by far more.
    assertTrue(rmse[0] < 0.08 && rmse[1] < 0.08, Arrays.toString(rmse));
    assertTrue(Math.abs(rmse[0] - rmse[1]) < 0.04, Arrays.toString(rmse));
  }
}
