package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;
import org.sparkbnn.train.InvalidInputException;
import org.sparkbnn.train.TrainingDivergedException;

/** Every kind of bad input gets an error that names what is wrong, or (skip) is dropped. */
class BadInputTest {
  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = SparkTestSession.get();
  }

  private static BayesByBackpropRegressor quick() {
    return new BayesByBackpropRegressor().setHiddenLayers(4).setMaxEpochs(2).setBatchSize(10);
  }

  /** 40 good rows with one bad row (features, label) at position 17. */
  private static Dataset<Row> withBadRow(Object features, Object label) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      double x = i / 40.0;
      rows.add(i == 17 ? RowFactory.create(features, label) : RowFactory.create(Vectors.dense(x), 2 * x));
    }
    return spark.createDataFrame(rows, SyntheticData.SCHEMA).coalesce(1);
  }

  private static String fitError(Dataset<Row> data) {
    return assertThrows(IllegalArgumentException.class, () -> quick().fit(data)).getMessage();
  }

  @Test
  void invalidFeatureOrLabelValuesNameColumnAndRow() {
    String nan = fitError(withBadRow(Vectors.dense(Double.NaN), 1.0));
    assertTrue(nan.contains("'features'") && nan.contains("NaN") && nan.contains("row 17"), nan);
    String inf = fitError(withBadRow(Vectors.dense(Double.POSITIVE_INFINITY), 1.0));
    assertTrue(inf.contains("'features'") && inf.contains("Infinity"), inf);
    String nullLabel = fitError(withBadRow(Vectors.dense(0.5), null));
    assertTrue(nullLabel.contains("'label'") && nullLabel.contains("null") && nullLabel.contains("row 17"), nullLabel);
    String infLabel = fitError(withBadRow(Vectors.dense(0.5), Double.NEGATIVE_INFINITY));
    assertTrue(infLabel.contains("'label'") && infLabel.contains("Infinity"), infLabel);
    String size = fitError(withBadRow(Vectors.dense(0.5, 0.5), 1.0));
    assertTrue(size.contains("size 2") && size.contains("expected 1"), size);
    String nullVector = fitError(withBadRow(null, 1.0));
    assertTrue(nullVector.contains("'features'") && nullVector.contains("null"), nullVector);
  }

  @Test
  void schemaProblemsNameTheColumn() {
    Dataset<Row> data = SyntheticData.sine(spark, 20, 0.1, 1, 1);
    String missing = assertThrows(IllegalArgumentException.class,
        () -> quick().setFeaturesCol("nope").fit(data)).getMessage();
    assertTrue(missing.contains("nope"), missing);
    Dataset<Row> stringLabel = data.withColumn("label", functions.lit("high"));
    String nonNumeric = assertThrows(IllegalArgumentException.class, () -> quick().fit(stringLabel)).getMessage();
    assertTrue(nonNumeric.contains("label") && nonNumeric.toLowerCase().contains("numeric"), nonNumeric);
    String empty = assertThrows(IllegalArgumentException.class, () -> quick().fit(data.limit(0))).getMessage();
    assertTrue(empty.contains("empty"), empty);
  }

  @Test
  void skipDropsInvalidRowsInFitAndTransform() {
    Dataset<Row> data = withBadRow(Vectors.dense(Double.NaN), 1.0);
    BayesByBackpropRegressionModel model = quick().setHandleInvalid("skip").fit(data);
    assertEquals(39, model.transform(data).count());
    model.setHandleInvalid("error");
    Exception e = assertThrows(Exception.class, () -> model.transform(data).collectAsList());
    assertTrue(InvalidInputException.findIn(e) != null && e.getMessage().contains("'features'"), e.getMessage());
  }

  @Test
  void divergenceStopsWithAnErrorNamingEpochAndStep() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) rows.add(RowFactory.create(Vectors.dense(i), i % 2 == 0 ? 1e30 : -1e30));
    Dataset<Row> data = spark.createDataFrame(rows, SyntheticData.SCHEMA).coalesce(1);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> quick().setLearningRate(1e6).setMaxEpochs(50).fit(data));
    assertTrue(e.getMessage().contains("epoch") && e.getMessage().contains("step"), e.getMessage());
  }

  @Test
  void loadingFromANonexistentPathNamesIt() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> BayesByBackpropRegressionModel.load("/nonexistent/bnn-model"));
    assertTrue(e.getMessage().contains("/nonexistent/bnn-model"), e.getMessage());
  }
}
