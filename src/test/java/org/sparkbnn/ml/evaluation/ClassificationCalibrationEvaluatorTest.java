package org.sparkbnn.ml.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.input.BadInputException;

class ClassificationCalibrationEvaluatorTest {
  @TempDir Path dir;

  private static final StructType SCHEMA = new StructType()
      .add("label", DataTypes.DoubleType, true)
      .add("probability", SQLDataTypes.VectorType(), true);

  @Test
  void evaluatorAgreesWithTheMetricsComputedOnTheDriver() throws Exception {
    SplittableRandom rng = new SplittableRandom(5);
    List<Row> rows = new ArrayList<>();
    CategoricalPredictiveMetrics expected = new CategoricalPredictiveMetrics(7);
    for (int i = 0; i < 400; i++) {
      double[] p = CategoricalPredictiveMetricsTest.randomDistribution(rng, 3, 1.0);
      int y = CategoricalPredictiveMetricsTest.draw(rng, p);
      expected.add(y, p);
      rows.add(RowFactory.create((double) y, Vectors.dense(p)));
    }
    Dataset<Row> data = SparkTestSession.get().createDataFrame(rows, SCHEMA).repartition(3);
    ClassificationCalibrationEvaluator e = new ClassificationCalibrationEvaluator().setNumBins(7);
    assertEquals(expected.nll(), e.setMetricName("nll").evaluate(data), 1e-12);
    assertFalse(e.isLargerBetter());
    assertEquals(expected.brier(), e.setMetricName("brier").evaluate(data), 1e-12);
    assertEquals(expected.ece(), e.setMetricName("ece").evaluate(data), 1e-12);
    assertFalse(e.isLargerBetter());
    assertEquals(expected.accuracy(), e.setMetricName("accuracy").evaluate(data), 1e-12);
    assertTrue(e.isLargerBetter());
    // The metric name is accepted in any capitalisation and means the same metric (it used to fall back to nll).
    assertEquals(expected.ece(), e.setMetricName("ECE").evaluate(data), 1e-12);
    assertEquals("ece", e.getMetricName());
    assertTrue(e.setMetricName("Accuracy").isLargerBetter());

    e.write().overwrite().save(dir.resolve("evaluator").toString());
    ClassificationCalibrationEvaluator loaded =
        ClassificationCalibrationEvaluator.load(dir.resolve("evaluator").toString());
    assertEquals("accuracy", loaded.getMetricName());
    assertEquals(7, loaded.getNumBins());
  }

  @Test
  void badLabelsAndProbabilitiesNameTheColumn() {
    ClassificationCalibrationEvaluator e = new ClassificationCalibrationEvaluator();
    Dataset<Row> outOfRange = SparkTestSession.get().createDataFrame(
        List.of(RowFactory.create(3.0, Vectors.dense(0.5, 0.5))), SCHEMA);
    BadInputException error = assertThrows(BadInputException.class, () -> e.evaluate(outOfRange));
    assertTrue(error.getMessage().contains("'label' holds 3.0"), error.getMessage());

    Dataset<Row> notDistribution = SparkTestSession.get().createDataFrame(
        List.of(RowFactory.create(1.0, Vectors.dense(0.5, 0.6))), SCHEMA);
    error = assertThrows(BadInputException.class, () -> e.evaluate(notDistribution));
    assertTrue(error.getMessage().contains("'probability'") && error.getMessage().contains("sums to"),
        error.getMessage());

    error = assertThrows(BadInputException.class, () -> e.setProbabilityCol("label").evaluate(outOfRange));
    assertTrue(error.getMessage().contains("must be a vector"), error.getMessage());
  }
}
