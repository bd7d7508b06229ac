package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/**
 * The stages as Spark 4's Connect server uses them: it finds third-party stages through {@code ServiceLoader}
 * (4.0's server lists the providers' types; earlier builds of it instantiated every provider with its
 * no-argument constructor, where one class without it breaks the lookup for all, so ours have one), constructs
 * a stage by its {@code (String uid)} constructor, sets Params by name, fits and transforms, and loads a model
 * through its static {@code load}.
 */
class SparkConnectRegistrationTest {
  @TempDir Path dir;

  /** Registered class name -> class, as the server builds its lookup table (without instantiating). */
  private static Map<String, Class<?>> registered(Class<?> service) {
    Map<String, Class<?>> byName = new TreeMap<>();
    ServiceLoader.load(service).stream().forEach(p -> byName.put(p.type().getName(), p.type()));
    return byName;
  }

  /** Ours, instantiated as a lookup that iterates the providers would. */
  private static void assertRegisteredAndInstantiable(Map<String, Class<?>> registered, String className)
      throws Exception {
    assertTrue(registered.containsKey(className), className + " registered");
    assertEquals(className, registered.get(className).getConstructor().newInstance().getClass().getName());
  }

  @SuppressWarnings("unchecked")
  private static <T extends Params> T byUid(Class<?> cls, String uid, Map<String, Object> params) throws Exception {
    T stage = (T) cls.getConstructor(String.class).newInstance(uid);
    for (Map.Entry<String, Object> p : params.entrySet()) {
      stage.set((Param<Object>) stage.getParam(p.getKey()), p.getValue());
    }
    assertEquals(uid, stage.uid());
    return stage;
  }

  @Test
  void everyStageIsRegisteredAndUsableTheWayTheConnectServerUsesIt() throws Exception {
    Map<String, Class<?>> estimators = registered(Estimator.class);
    Map<String, Class<?>> transformers = registered(Transformer.class);
    Map<String, Class<?>> evaluators = registered(Evaluator.class);
    assertRegisteredAndInstantiable(estimators, BayesByBackpropRegressor.class.getName());
    assertRegisteredAndInstantiable(estimators, BayesByBackpropClassifier.class.getName());
    assertRegisteredAndInstantiable(transformers, BayesByBackpropRegressionModel.class.getName());
    assertRegisteredAndInstantiable(transformers, BayesByBackpropClassificationModel.class.getName());
    assertRegisteredAndInstantiable(evaluators, "org.sparkbnn.ml.evaluation.GaussianRegressionEvaluator");
    assertRegisteredAndInstantiable(evaluators, "org.sparkbnn.ml.evaluation.ClassificationCalibrationEvaluator");

    Dataset<Row> sine = SyntheticData.sine(SparkTestSession.get(), 200, 0.1, 1, 2);
    Estimator<?> regressor = byUid(estimators.get(BayesByBackpropRegressor.class.getName()), "connectRegressor",
        Map.of("hiddenLayers", new int[] {8}, "maxEpochs", 2, "epistemicVarianceCol", "epistemic"));
    Model<?> model = (Model<?>) regressor.fit(sine);
    Dataset<Row> scored = model.transform(sine);
    assertTrue(java.util.Arrays.asList(scored.columns()).containsAll(java.util.List.of("prediction", "variance",
        "epistemic")));
    Evaluator evaluator = byUid(evaluators.get("org.sparkbnn.ml.evaluation.GaussianRegressionEvaluator"),
        "connectEvaluator", Map.of("metricName", "coverage"));
    double coverage = evaluator.evaluate(scored);
    assertTrue(coverage >= 0 && coverage <= 1, "coverage " + coverage);

    String saved = dir.resolve("model").toString();
    ((org.apache.spark.ml.util.MLWritable) model).write().save(saved);
    Class<?> modelClass = transformers.get(BayesByBackpropRegressionModel.class.getName());
    Transformer loaded = (Transformer) modelClass.getMethod("load", String.class).invoke(null, saved);
    assertEquals(scored.select("prediction").collectAsList(), loaded.transform(sine).select("prediction")
        .collectAsList());

    Dataset<Row> blobs = SyntheticData.blobs(SparkTestSession.get(), 150, 1, 2);
    Estimator<?> classifier = byUid(estimators.get(BayesByBackpropClassifier.class.getName()), "connectClassifier",
        Map.of("hiddenLayers", new int[] {8}, "maxEpochs", 2));
    Evaluator calibration = byUid(evaluators.get("org.sparkbnn.ml.evaluation.ClassificationCalibrationEvaluator"),
        "connectCalibration", Map.of());
    double metric = calibration.evaluate(((Model<?>) classifier.fit(blobs)).transform(blobs));
    assertTrue(Double.isFinite(metric), "classification metric " + metric);
  }

  @Test
  void theUnfittedModelsTheLookupCreatesSayWhatToDoInstead() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new BayesByBackpropRegressionModel("m").transform(SyntheticData.sine(SparkTestSession.get(), 5, 0.1,
            1, 1)));
    assertEquals("m is not fitted: fit a BayesByBackpropRegressor or load a saved model", e.getMessage());
    assertThrows(IllegalStateException.class, () -> new BayesByBackpropClassificationModel().numClasses());
  }
}
