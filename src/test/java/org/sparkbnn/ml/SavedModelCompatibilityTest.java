package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/**
 * Persisted formats do not change under our feet: models saved on 2026-12-02 by the main branch of that day
 * (Spark 3.5; before the initialModel and provenance columns existed), with the predictions they made then, still
 * load and make the same predictions; evaluators saved then by Spark's DefaultParamsWriter still load. The weight samples are seeded and the scorer is the same arithmetic, so
 * the predictions agree to float32 rounding of the sampled weights at most (1e-6 relative).
 */
class SavedModelCompatibilityTest {
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures/saved-2026-12-02");

  /** Loading needs an active session, as in any Spark application (the class must not rely on another's). */
  @BeforeAll
  static void startSpark() {
    SparkTestSession.get();
  }

  private static List<double[]> csv(String name) throws IOException {
    List<double[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(FIXTURES.resolve(name)).subList(1, Files.readAllLines(FIXTURES
        .resolve(name)).size())) {
      rows.add(java.util.Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray());
    }
    return rows;
  }

  @Test
  void aRegressionModelSavedBeforeLoadsAndPredictsAsItDid() throws IOException {
    BayesByBackpropRegressionModel model =
        BayesByBackpropRegressionModel.load(FIXTURES.resolve("regression-model").toString());
    assertNull(model.initialModelDigest());
    assertTrue(model.provenance().isEmpty(), "no provenance was recorded then");
    List<double[]> expected = csv("regression-expected.csv");
    double[] xs = expected.stream().mapToDouble(r -> r[0]).toArray();
    List<Row> rows = model.transform(SyntheticData.grid(SparkTestSession.get(), xs))
        .select("prediction", "variance").collectAsList();
    for (int i = 0; i < xs.length; i++) {
      assertEquals(expected.get(i)[1], rows.get(i).getDouble(0), 1e-6 * Math.abs(expected.get(i)[1]) + 1e-12);
      assertEquals(expected.get(i)[2], rows.get(i).getDouble(1), 1e-6 * expected.get(i)[2]);
    }
  }

  @Test
  void aClassificationModelSavedBeforeLoadsAndPredictsAsItDid() throws IOException {
    BayesByBackpropClassificationModel model =
        BayesByBackpropClassificationModel.load(FIXTURES.resolve("classification-model").toString());
    assertEquals(3, model.numClasses());
    List<double[]> expected = csv("classification-expected.csv");
    List<Row> input = new ArrayList<>();
    for (double[] r : expected) input.add(RowFactory.create(Vectors.dense(r[0], r[1]), 0.0));
    List<Row> rows = model.transform(SparkTestSession.get().createDataFrame(input, SyntheticData.SCHEMA))
        .select("probability").collectAsList();
    for (int i = 0; i < expected.size(); i++) {
      Vector p = (Vector) rows.get(i).get(0);
      for (int k = 0; k < 3; k++) assertEquals(expected.get(i)[2 + k], p.apply(k), 1e-6 * expected.get(i)[2 + k]);
    }
  }

  @Test
  void evaluatorsSavedBySparksOwnWriterStillLoad() {
    assertEquals("crps", org.sparkbnn.ml.evaluation.GaussianRegressionEvaluator
        .load(FIXTURES.resolve("regression-evaluator").toString()).getMetricName());
    assertEquals("ece", org.sparkbnn.ml.evaluation.ClassificationCalibrationEvaluator
        .load(FIXTURES.resolve("calibration-evaluator").toString()).getMetricName());
  }
}
