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
import org.sparkbnn.ml.evaluation.ClassificationCalibrationEvaluator;

class CrossValidationTest {
  @TempDir Path dir;

  /** A grid over the number of epochs: 1 epoch cannot fit sin(3x), 40 can, and CrossValidator must see it. */
  @Test
  void crossValidatorSelectsTheBetterSettingAndPersists() throws Exception {
    Dataset<Row> data = SyntheticData.sine(SparkTestSession.get(), 400, 0.1, 6, 2).cache();
    BayesByBackpropRegressor regressor = new BayesByBackpropRegressor().setLengthDoublings(0)
        .setHiddenLayers(20).setBatchSize(50);
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

  /** The classifier under CrossValidator with the calibration evaluator (NLL): 1 epoch loses to 20. */
  @Test
  void classifierSelectedByCalibrationEvaluatorAndPersisted() throws Exception {
    Dataset<Row> data = SyntheticData.blobs(SparkTestSession.get(), 400, 9, 2).cache();
    BayesByBackpropClassifier classifier = new BayesByBackpropClassifier().setLengthDoublings(0)
        .setHiddenLayers(8).setBatchSize(50);
    ParamMap[] grid = new ParamGridBuilder().addGrid(classifier.maxEpochs(), new int[] {1, 20}).build();
    CrossValidator cv = new CrossValidator().setEstimator(classifier).setEstimatorParamMaps(grid)
        .setEvaluator(new ClassificationCalibrationEvaluator().setMetricName("nll")).setNumFolds(2).setSeed(1);
    CrossValidatorModel fitted = cv.fit(data);
    double[] nll = fitted.avgMetrics();
    assertTrue(nll[1] < nll[0], "20 epochs should beat 1 on held-out NLL: " + nll[0] + " vs " + nll[1]);
    BayesByBackpropClassificationModel best =
        assertInstanceOf(BayesByBackpropClassificationModel.class, fitted.bestModel());
    assertEquals(20, best.getMaxEpochs());
    String path = dir.resolve("cv-classifier").toString();
    fitted.write().save(path);
    PersistenceTest.assertOutputsEqual(fitted.transform(data), CrossValidatorModel.load(path).transform(data));
  }
}
