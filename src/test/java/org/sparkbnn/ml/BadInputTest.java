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
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.input.InvalidRowException;
import org.sparkbnn.train.TrainingDivergedException;

/** Every kind of bad input gets an error that names what is wrong, or (skip) is dropped. */
class BadInputTest {
  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = SparkTestSession.get();
  }

  private static BayesByBackpropRegressor quick() {
    return new BayesByBackpropRegressor().setLengthDoublings(0).setHiddenLayers(4).setMaxEpochs(2).setBatchSize(10);
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
    // Row 17 counted from 0 is the 18th row a person reads.
    assertTrue(nan.contains("'features'") && nan.contains("NaN") && nan.contains("in row 18 (1-based"), nan);
    String inf = fitError(withBadRow(Vectors.dense(Double.POSITIVE_INFINITY), 1.0));
    assertTrue(inf.contains("'features'") && inf.contains("Infinity"), inf);
    String nullLabel = fitError(withBadRow(Vectors.dense(0.5), null));
    assertTrue(nullLabel.contains("'label'") && nullLabel.contains("null") && nullLabel.contains("row 18"), nullLabel);
    String infLabel = fitError(withBadRow(Vectors.dense(0.5), Double.NEGATIVE_INFINITY));
    assertTrue(infLabel.contains("'label'") && infLabel.contains("Infinity"), infLabel);
    String size = fitError(withBadRow(Vectors.dense(0.5, 0.5), 1.0));
    assertTrue(size.contains("size 2") && size.contains("expected 1"), size);
    String nullVector = fitError(withBadRow(null, 1.0));
    assertTrue(nullVector.contains("'features'") && nullVector.contains("null"), nullVector);
  }

  /**
   * The user's column, not the assembled vector's index, and the row counted across partitions in input order:
   * the bad value sits in partition 1 at its row 2, after partition 0's 25 rows, so it is row 28.
   */
  @Test
  void aBadValueNamesTheAssemblersInputColumnAndTheRowInInputOrder() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rows.add(RowFactory.create(i / 50.0, i == 27 ? Double.NaN : 1.0 - i / 50.0, 2.0 * i / 50.0));
    }
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("age", "double").add("bmi", "double").add("label", "double");
    Dataset<Row> raw = spark.createDataFrame(rows, schema).coalesce(1);
    // Two partitions in input order: rows 0-24 and 25-49.
    Dataset<Row> twoParts = spark.createDataFrame(raw.javaRDD().zipWithIndex()
        .mapToPair(t -> new scala.Tuple2<>(t._2() < 25 ? 0 : 1, t._1()))
        .partitionBy(new org.apache.spark.HashPartitioner(2)).values(), schema);
    Dataset<Row> assembled = new org.apache.spark.ml.feature.VectorAssembler().setInputCols(new String[] {"age", "bmi"})
        .setOutputCol("features").setHandleInvalid("keep").transform(twoParts);
    String e = fitError(assembled);
    assertTrue(e.contains("column 'bmi'") && e.contains("NaN") && e.contains("in row 28 (1-based"), e);
    // Scoring names the same column and row.
    BayesByBackpropRegressionModel model = quick().fit(assembled.where("not isnan(bmi)"));
    Exception scoring = assertThrows(Exception.class, () -> model.transform(assembled).collectAsList());
    InvalidRowException bad = InvalidRowException.findRowIn(scoring);
    assertTrue(bad != null, "scoring error carries its row: " + scoring);
    String located = bad.inInputOrder(assembled).getMessage();
    assertTrue(located.contains("column 'bmi'") && located.contains("in row 28 (1-based"), located);
  }

  /** A feature far beyond the training range overflows the network: an error naming the row, never a NaN. */
  @Test
  void aNonFinitePredictionIsAnErrorNamingTheRow() {
    BayesByBackpropRegressionModel model = quick().fit(SyntheticData.sine(spark, 40, 0.1, 1, 1));
    Dataset<Row> far = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(0.5), 0.0),
        RowFactory.create(Vectors.dense(3e38), 0.0)), SyntheticData.SCHEMA).coalesce(1);
    Exception e = assertThrows(Exception.class, () -> model.transform(far).collectAsList());
    InvalidRowException bad = InvalidRowException.findRowIn(e);
    assertTrue(bad != null && bad.getMessage().contains("not finite") && bad.getMessage().contains("row 1"),
        String.valueOf(e));
  }

  /**
   * One training row: the label has no spread, so it is scaled by its magnitude |y| = 150. The noise variance
   * starts at 0.1 (standardised) and Adam moves its logarithm by at most about 3.2 lr per step (the bound
   * lr (1 - beta1) / sqrt(1 - beta2) for beta1 = 0.9, beta2 = 0.999), so after 100 steps at lr = 0.01 the aleatoric
   * variance is at least 0.1 e^-3.2 |y|^2 = 0.0041 |y|^2, an sd of at least 0.064 |y| = 9.6. A label scale of 1
   * (what a constant label used to get) gives an sd of at most 0.32 whatever the label's units.
   */
  @Test
  void aOneRowFitIsNotOverConfident() {
    Dataset<Row> one = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(0.3, 7.0), 150.0)),
        SyntheticData.SCHEMA);
    BayesByBackpropRegressionModel model = new BayesByBackpropRegressor().setLengthDoublings(0)
        .setHiddenLayers(8).setMaxEpochs(100)
        .setAleatoricVarianceCol("aleatoric").fit(one);
    double aleatoric = model.transform(one).select("aleatoric").first().getDouble(0);
    assertTrue(Math.sqrt(aleatoric) >= 0.064 * 150, "aleatoric sd " + Math.sqrt(aleatoric));
  }

  /**
   * A label that varies by a little around a large value (sin(3x) + N(0, 0.1^2) plus 10^12, as a timestamp or an
   * amount in small units would): in float32 (spacing 65,536 at 10^12) every label was the same number, the fit
   * warned of a constant label and predicted one value with a variance on the scale of 10^12. Packed as offsets
   * from the partition's first row, it is learned as the label without the offset is: the fit's RMSE on its
   * rows is about the noise's 0.1 (measured 0.100 with the offset, 0.095 without), far below the label's own spread
   * (0.72, what a constant prediction scores), and its predictive sd is of the noise's order (0.103), not 10^12's.
   */
  @Test
  void aLabelThatVariesLittleAroundALargeValueIsLearned() {
    Dataset<Row> offset = SyntheticData.sine(spark, 300, 0.1, 4, 2).withColumn("label",
        functions.col("label").plus(1e12));
    BayesByBackpropRegressionModel model = new BayesByBackpropRegressor().setLengthDoublings(0).setEnsembleSize(1)
        .setLikelihood("homoscedastic").setHiddenLayers(16).setMaxEpochs(150).setBatchSize(50).setLearningRate(0.01)
        .fit(offset);
    List<Row> scored = model.transform(offset).select("label", "prediction", "variance").collectAsList();
    double squares = 0;
    double sd = 0;
    for (Row r : scored) {
      double residual = r.getDouble(0) - r.getDouble(1);
      squares += residual * residual / scored.size();
      sd += Math.sqrt(r.getDouble(2)) / scored.size();
    }
    assertTrue(Math.sqrt(squares) < 0.3, "RMSE " + Math.sqrt(squares));
    assertTrue(sd < 0.5, "mean predictive sd " + sd);
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

  /**
   * Scoring rows that were scored before (the usual cause) or that hold a column named like an output: one error
   * naming the column and the Param that names it, from the estimators (a Pipeline's schema check) and the models
   * alike, for Spark's own prediction columns as for ours, in any capitalisation (Spark resolves names without
   * regard to case by default); Spark's own check named neither the Param nor the way out.
   */
  @Test
  void anOutputColumnAlreadyInTheInputNamesItsParam() {
    Dataset<Row> data = SyntheticData.sine(spark, 30, 0.1, 1, 1);
    BayesByBackpropRegressionModel regression = quick().setEnsembleSize(1).setLikelihood("homoscedastic").fit(data);
    Dataset<Row> scored = regression.transform(data);
    for (String message : new String[] {
        assertThrows(IllegalArgumentException.class, () -> regression.transform(scored)).getMessage(),
        assertThrows(IllegalArgumentException.class, () -> quick().transformSchema(scored.schema())).getMessage()}) {
      assertTrue(message.startsWith("output column 'prediction' (predictionCol) already exists in the input"), message);
    }
    String variance = assertThrows(IllegalArgumentException.class,
        () -> regression.transform(scored.drop("prediction"))).getMessage();
    assertTrue(variance.startsWith("output column 'variance' (varianceCol) already exists"), variance);
    String otherCase = assertThrows(IllegalArgumentException.class,
        () -> regression.transform(data.withColumn("Variance", functions.lit(1.0)))).getMessage();
    assertTrue(otherCase.startsWith("output column 'variance' (varianceCol) already exists"), otherCase);

    Dataset<Row> blobs = SyntheticData.blobs(spark, 40, 3, 1);
    BayesByBackpropClassifier classifier = new BayesByBackpropClassifier().setLengthDoublings(0).setHiddenLayers(4)
        .setMaxEpochs(2).setBatchSize(10);
    BayesByBackpropClassificationModel classification = classifier.fit(blobs);
    Dataset<Row> classified = classification.transform(blobs);
    String[][] cases = {{"rawPrediction", "rawPredictionCol"}, {"probability", "probabilityCol"},
        {"prediction", "predictionCol"}, {"predictiveEntropy", "predictiveEntropyCol"}};
    Dataset<Row> remaining = classified;
    for (String[] c : cases) {
      Dataset<Row> input = remaining;
      String expected = "output column '" + c[0] + "' (" + c[1] + ") already exists in the input";
      String fromModel = assertThrows(IllegalArgumentException.class, () -> classification.transform(input))
          .getMessage();
      assertTrue(fromModel.startsWith(expected), fromModel);
      String fromEstimator = assertThrows(IllegalArgumentException.class,
          () -> classifier.transformSchema(input.schema())).getMessage();
      assertTrue(fromEstimator.startsWith(expected), fromEstimator);
      remaining = remaining.drop(c[0]);
    }
  }

  @Test
  void skipDropsInvalidRowsInFitAndTransform() {
    Dataset<Row> data = withBadRow(Vectors.dense(Double.NaN), 1.0);
    BayesByBackpropRegressionModel model = quick().setHandleInvalid("skip").fit(data);
    assertEquals(39, model.transform(data).count());
    model.setHandleInvalid("error");
    Exception e = assertThrows(Exception.class, () -> model.transform(data).collectAsList());
    assertTrue(BadInputException.findIn(e) != null && e.getMessage().contains("'features'"), e.getMessage());
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
    BadInputException e = assertThrows(BadInputException.class,
        () -> BayesByBackpropRegressionModel.load("/nonexistent/bnn-model"));
    assertTrue(e.getMessage().contains("/nonexistent/bnn-model"), e.getMessage());
  }
}
