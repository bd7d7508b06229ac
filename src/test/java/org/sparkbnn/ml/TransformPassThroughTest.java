package org.sparkbnn.ml;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/**
 * transform passes every input column through unchanged, row by row, whatever its type (string, null, array,
 * struct, another vector), and appends to each row the prediction for that row's own features. The input is
 * computed, not cached, over three partitions and more rows than a scoring batch: Spark hands such rows out in one
 * reused object, so a scorer that kept the object instead of a copy would give every row of a batch the last
 * row's columns.
 */
class TransformPassThroughTest {
  private static final int ROWS = 2 * BatchScorer.BATCH_ROWS + 37;
  private static Dataset<Row> training;

  @BeforeAll
  static void data() {
    training = SyntheticData.blobs(SparkTestSession.get(), 150, 3, 2).cache();
  }

  /** Computed rows with columns of many types; features = (sin(id / 50), cos(id / 70)). */
  private static Dataset<Row> computedInput() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> raw = spark.range(0, ROWS, 1, 3).toDF("id")
        .withColumn("name", concat(lit("row "), col("id").cast("string")))
        .withColumn("sometimesNull", when(col("id").mod(3).equalTo(0), lit(null)).otherwise(col("id").multiply(0.5)))
        .withColumn("pair", array(col("id"), col("id").plus(1)))
        .withColumn("nested", struct(col("id").as("a"), col("name").as("b")))
        .withColumn("x0", sin(col("id").divide(50)))
        .withColumn("x1", cos(col("id").divide(70)));
    Dataset<Row> withOtherVector = new VectorAssembler().setInputCols(new String[] {"x1", "x0"})
        .setOutputCol("otherVector").transform(raw);
    return new VectorAssembler().setInputCols(new String[] {"x0", "x1"}).setOutputCol("features")
        .transform(withOtherVector);
  }

  /** The input's columns are the output's first columns, equal row by row; returns the scored rows. */
  private static List<Row> scoredKeepingInput(Model<?> model) {
    Dataset<Row> input = computedInput();
    List<Row> expected = input.collectAsList();
    List<Row> scored = model.transform(input).collectAsList();
    assertEquals(expected.size(), scored.size());
    int columns = input.schema().size();
    for (int r = 0; r < expected.size(); r++) {
      for (int c = 0; c < columns; c++) {
        assertEquals(expected.get(r).get(c), scored.get(r).get(c), "row " + r + ", column " + input.columns()[c]);
      }
    }
    return scored;
  }

  @Test
  void aStreamingDataFrameIsRefusedWithTheWayToScoreIt() {
    Dataset<Row> stream = new VectorAssembler().setInputCols(new String[] {"x0", "x1"}).setOutputCol("features")
        .transform(SparkTestSession.get().readStream().format("rate").load()
            .withColumn("x0", sin(col("value"))).withColumn("x1", cos(col("value"))));
    List<Model<?>> models = List.of(
        new BayesByBackpropRegressor().setLengthDoublings(0).setHiddenLayers(4).setMaxEpochs(1).fit(training),
        new BayesByBackpropClassifier().setLengthDoublings(0).setHiddenLayers(4).setMaxEpochs(1).fit(training));
    for (Model<?> model : models) {
      String message = assertThrows(IllegalArgumentException.class, () -> model.transform(stream)).getMessage();
      assertTrue(message.contains("streaming") && message.contains("foreachBatch"), message);
    }
  }

  @Test
  void regressorAppendsEachRowsOwnPrediction() {
    BayesByBackpropRegressionModel model = new BayesByBackpropRegressor().setLengthDoublings(0)
        .setHiddenLayers(8).setMaxEpochs(5)
        .setBatchSize(50).fit(training).setPredictSamples(10);
    for (Row row : scoredKeepingInput(model)) {
      // predict scores the row alone; a row's prediction does not depend on its batch, so the bits are equal.
      Vector features = row.getAs("features");
      assertEquals(model.predict(features), (double) row.getAs("prediction"), 0.0, "row " + row.getAs("id"));
    }
  }

  @Test
  void classifierAppendsEachRowsOwnPredictive() {
    BayesByBackpropClassificationModel model = new BayesByBackpropClassifier().setLengthDoublings(0)
        .setHiddenLayers(8).setMaxEpochs(5)
        .setBatchSize(50).fit(training).setPredictSamples(10);
    for (Row row : scoredKeepingInput(model)) {
      Vector features = row.getAs("features");
      // rawPrediction = log p-bar of the row's samples (predictProbability would recompute p-bar from it by a
      // softmax, equal only up to rounding).
      Vector raw = row.getAs("rawPrediction");
      assertArrayEquals(model.predictRaw(features).toArray(), raw.toArray(), 0.0, "row " + row.getAs("id"));
      assertEquals(model.predict(features), (double) row.getAs("prediction"), 0.0);
    }
  }
}
