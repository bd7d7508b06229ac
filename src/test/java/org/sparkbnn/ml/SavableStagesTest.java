package org.sparkbnn.ml;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;
import org.sparkbnn.ml.evaluation.ClassificationCalibrationEvaluator;
import org.sparkbnn.ml.evaluation.GaussianRegressionEvaluator;

/**
 * {@link SavableStageContract} for every savable stage: both estimators, both models, both evaluators. The tests
 * and their assertions are the contract's; each nested class supplies a configured stage, its reader and what its
 * output is (a transform's rows, a metric, an estimator's output schema).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SavableStagesTest {
  private Dataset<Row> sine;
  private Dataset<Row> blobs;
  private BayesByBackpropRegressionModel regressionModel;
  private BayesByBackpropClassificationModel classificationModel;

  @BeforeAll
  void fit() {
    sine = SyntheticData.sine(SparkTestSession.get(), 120, 0.1, 1, 2).cache();
    blobs = SyntheticData.blobs(SparkTestSession.get(), 150, 1, 2).cache();
    regressionModel = new BayesByBackpropRegressor().setHiddenLayers(4).setMaxEpochs(2).setPredictSamples(7)
        .setEpistemicVarianceCol("epistemic").fit(sine);
    classificationModel = new BayesByBackpropClassifier().setHiddenLayers(4).setMaxEpochs(2).setPredictSamples(7)
        .setExpectedEntropyCol("expectedEntropy").fit(blobs);
  }

  private static List<Row> rows(Dataset<Row> d) {
    return d.collectAsList();
  }

  @Nested
  class Regressor implements SavableStageContract<BayesByBackpropRegressor> {
    @Override public BayesByBackpropRegressor stage() {
      return new BayesByBackpropRegressor().setHiddenLayers(3, 2).setPrior("scaleMixture").setPriorPi(0.3)
          .setEstimator("reparameterization").setLearningRate(0.002).setReportDir("/tmp/reports");
    }
    @Override public BayesByBackpropRegressor load(String path) { return BayesByBackpropRegressor.load(path); }
    @Override public Object output(BayesByBackpropRegressor stage) {
      return stage.transformSchema(sine.schema()).toString();
    }
  }

  @Nested
  class Classifier implements SavableStageContract<BayesByBackpropClassifier> {
    @Override public BayesByBackpropClassifier stage() {
      return new BayesByBackpropClassifier().setHiddenLayers(5).setMaxEpochs(7).setThresholds(new double[] {1, 2, 3})
          .setMutualInformationCol("");
    }
    @Override public BayesByBackpropClassifier load(String path) { return BayesByBackpropClassifier.load(path); }
    @Override public Object output(BayesByBackpropClassifier stage) {
      return stage.transformSchema(blobs.schema()).toString();
    }
  }

  @Nested
  class RegressionModel implements SavableStageContract<BayesByBackpropRegressionModel> {
    @Override public BayesByBackpropRegressionModel stage() { return regressionModel; }
    @Override public BayesByBackpropRegressionModel load(String path) {
      return BayesByBackpropRegressionModel.load(path);
    }
    @Override public Object output(BayesByBackpropRegressionModel stage) { return rows(stage.transform(sine)); }
  }

  @Nested
  class ClassificationModel implements SavableStageContract<BayesByBackpropClassificationModel> {
    @Override public BayesByBackpropClassificationModel stage() { return classificationModel; }
    @Override public BayesByBackpropClassificationModel load(String path) {
      return BayesByBackpropClassificationModel.load(path);
    }
    @Override public Object output(BayesByBackpropClassificationModel stage) { return rows(stage.transform(blobs)); }
  }

  @Nested
  class RegressionEvaluator implements SavableStageContract<GaussianRegressionEvaluator> {
    @Override public GaussianRegressionEvaluator stage() {
      return new GaussianRegressionEvaluator().setMetricName("crps");
    }
    @Override public GaussianRegressionEvaluator load(String path) { return GaussianRegressionEvaluator.load(path); }
    @Override public Object output(GaussianRegressionEvaluator stage) {
      return stage.evaluate(regressionModel.transform(sine));
    }
  }

  @Nested
  class CalibrationEvaluator implements SavableStageContract<ClassificationCalibrationEvaluator> {
    @Override public ClassificationCalibrationEvaluator stage() {
      return new ClassificationCalibrationEvaluator().setMetricName("ece");
    }
    @Override public ClassificationCalibrationEvaluator load(String path) {
      return ClassificationCalibrationEvaluator.load(path);
    }
    @Override public Object output(ClassificationCalibrationEvaluator stage) {
      return stage.evaluate(classificationModel.transform(blobs));
    }
  }
}
