package org.sparkbnn.ml.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;
import org.sparkbnn.ml.BayesByBackpropRegressor;
import org.sparkbnn.input.BadInputException;

class GaussianRegressionEvaluatorTest {
  @TempDir Path dir;

  private static Dataset<Row> rows(SparkSession spark, double[][] values) {
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("prediction", DataTypes.DoubleType)
        .add("variance", DataTypes.DoubleType);
    return spark.createDataFrame(Arrays.stream(values).map(v -> RowFactory.create(v[0], v[1], v[2]))
        .collect(java.util.stream.Collectors.toList()), schema).repartition(2);
  }

  @Test
  void metricsOverSparkMatchTheHandWorkedCase() {
    Dataset<Row> data = rows(SparkTestSession.get(), new double[][] {{1, 0, 1}, {-2, 0, 1}, {0.5, 0, 4}});
    GaussianRegressionEvaluator e = new GaussianRegressionEvaluator();
    assertEquals(Math.sqrt(5.25 / 3), e.setMetricName("rmse").evaluate(data), 1e-12);
    assertEquals(2 / 3.0, e.setMetricName("coverage").evaluate(data), 1e-12);
    assertTrue(e.setMetricName("coverage").isLargerBetter());
    for (String m : new String[] {"rmse", "nll", "crps", "intervalWidth", "calibrationError"}) {
      assertFalse(e.setMetricName(m).isLargerBetter(), m);
    }
  }

  @Test
  void badColumnsAndValuesAreNamed() {
    SparkSession spark = SparkTestSession.get();
    GaussianRegressionEvaluator e = new GaussianRegressionEvaluator().setVarianceCol("var");
    String missing = assertThrows(BadInputException.class,
        () -> e.evaluate(rows(spark, new double[][] {{1, 0, 1}}))).getMessage();
    assertTrue(missing.contains("'var'"), missing);
    String negative = assertThrows(BadInputException.class,
        () -> new GaussianRegressionEvaluator().evaluate(rows(spark, new double[][] {{1, 0, -1}}))).getMessage();
    assertTrue(negative.contains("'variance'") && negative.contains("> 0"), negative);
    assertThrows(IllegalArgumentException.class, () -> e.setMetricName("r2"));
  }

  /**
   * With the model's log density and CDF columns, nll is minus the mean log density and calibrationError counts the
   * CDF values: F = 0.95, 0.15 and 0.55 lie at or below p for 0 rows at p = 0.1, 1 at p = 0.2..0.5 and 2 at
   * p = 0.6..0.9, so the error is the mean of (p - observed)^2 over those levels. Without them, the Gaussian's.
   */
  @Test
  void theModelsOwnDensityAndCdfReplaceTheGaussians() {
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("prediction", DataTypes.DoubleType)
        .add("variance", DataTypes.DoubleType).add("ll", DataTypes.DoubleType).add("F", DataTypes.DoubleType);
    Dataset<Row> data = SparkTestSession.get().createDataFrame(Arrays.asList(
        RowFactory.create(1.0, 0.0, 1.0, -1.5, 0.95), RowFactory.create(-2.0, 0.0, 1.0, -2.5, 0.15),
        RowFactory.create(0.5, 0.0, 4.0, -1.0, 0.55)), schema).repartition(2);
    GaussianRegressionEvaluator own = new GaussianRegressionEvaluator().setLogLikelihoodCol("ll").setLabelCdfCol("F");
    assertEquals(5.0 / 3, own.setMetricName("nll").evaluate(data), 1e-12);
    double expected = 0;
    for (int j = 1; j <= 9; j++) {
      double p = j / 10.0;
      double observed = j == 1 ? 0 : j <= 5 ? 1 / 3.0 : 2 / 3.0;
      expected += (p - observed) * (p - observed) / 9;
    }
    assertEquals(expected, own.setMetricName("calibrationError").evaluate(data), 1e-12);
    GaussianRegressionEvaluator gaussian = new GaussianRegressionEvaluator();
    double gaussianNll = (0.5 * Math.log(2 * Math.PI) + 0.5 + 0.5 * Math.log(2 * Math.PI) + 2.0
        + 0.5 * Math.log(8 * Math.PI) + 0.25 / 8) / 3;
    assertEquals(gaussianNll, gaussian.setMetricName("nll").evaluate(data), 1e-12);
    // The other metrics read N(prediction, variance) either way.
    assertEquals(gaussian.setMetricName("crps").evaluate(data), own.setMetricName("crps").evaluate(data), 0.0);
    Dataset<Row> outOfRange = data.withColumn("F", org.apache.spark.sql.functions.lit(1.5));
    String bad = assertThrows(BadInputException.class, () -> own.evaluate(outOfRange)).getMessage();
    assertTrue(bad.contains("'F'") && bad.contains("[0, 1]"), bad);
    String missing = assertThrows(BadInputException.class, () -> own.evaluate(data.drop("ll"))).getMessage();
    assertTrue(missing.contains("'ll'"), missing);
  }

  /** CrossValidator selects by predictive NLL and the fitted CrossValidatorModel saves and loads. */
  @Test
  void drivesCrossValidatorOnNll() throws Exception {
    Dataset<Row> data = SyntheticData.sine(SparkTestSession.get(), 300, 0.1, 12, 2).cache();
    BayesByBackpropRegressor regressor = new BayesByBackpropRegressor().setLengthDoublings(0)
        .setHiddenLayers(16).setBatchSize(50);
    ParamMap[] grid = new ParamGridBuilder().addGrid(regressor.maxEpochs(), new int[] {1, 30}).build();
    CrossValidatorModel cv = new CrossValidator().setEstimator(regressor).setEstimatorParamMaps(grid)
        .setEvaluator(new GaussianRegressionEvaluator().setMetricName("nll")).setNumFolds(2).setSeed(2).fit(data);
    assertTrue(cv.avgMetrics()[1] < cv.avgMetrics()[0], Arrays.toString(cv.avgMetrics()));
    // The same selection by the models' own predictive density: the estimator writes the column the evaluator reads.
    CrossValidatorModel own = new CrossValidator().setEstimator(regressor.copy(ParamMap.empty())
        .setLogLikelihoodCol("ll")).setEstimatorParamMaps(grid).setEvaluator(new GaussianRegressionEvaluator()
        .setLogLikelihoodCol("ll")).setNumFolds(2).setSeed(2).fit(data);
    assertTrue(own.avgMetrics()[1] < own.avgMetrics()[0], Arrays.toString(own.avgMetrics()));
    String path = dir.resolve("cv").toString();
    cv.write().save(path);
    CrossValidatorModel loaded = CrossValidatorModel.load(path);
    assertEquals("nll", ((GaussianRegressionEvaluator) loaded.getEvaluator()).getMetricName());
  }
}
