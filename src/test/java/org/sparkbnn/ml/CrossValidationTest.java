package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

class CrossValidationTest {
  @TempDir Path dir;

  /** A grid over the number of epochs: 1 epoch cannot fit sin(3x), 40 can, and CrossValidator must see it. */
  @Test
  void crossValidatorSelectsTheBetterSettingAndPersists() throws Exception {
    Dataset<Row> data = SyntheticData.sine(SparkTestSession.get(), 400, 0.1, 6, 2).cache();
    BayesByBackpropRegressor regressor = new BayesByBackpropRegressor().setHiddenLayers(20).setBatchSize(50);
    ParamMap[] grid = new ParamGridBuilder().addGrid(regressor.maxEpochs(), new int[] {1, 40}).build();
    CrossValidator cv = new CrossValidator().setEstimator(regressor).setEstimatorParamMaps(grid)
        .setEvaluator(new RegressionEvaluator().setMetricName("rmse")).setNumFolds(2).setSeed(1);
    CrossValidatorModel fitted = cv.fit(data);
    double[] rmse = fitted.avgMetrics();
    assertEquals(2, rmse.length);
    assertTrue(rmse[1] < rmse[0], "40 epochs should beat 1: " + rmse[0] + " vs " + rmse[1]);
    BayesByBackpropRegressionModel best = assertInstanceOf(BayesByBackpropRegressionModel.class, fitted.bestModel());
    assertEquals(40, best.getMaxEpochs());
    String path = dir.resolve("cv").toString();
    fitted.write().save(path);
    CrossValidatorModel loaded = CrossValidatorModel.load(path);
    PersistenceTest.assertOutputsEqual(fitted.transform(data), loaded.transform(data));
  }
}
