package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;
import org.sparkbnn.input.BadInputException;

class PersistenceTest {
  private static SparkSession spark;
  private static Dataset<Row> data;
  private static BayesByBackpropRegressionModel model;

  @TempDir Path dir;

  @BeforeAll
  static void fit() {
    spark = SparkTestSession.get();
    data = SyntheticData.sine(spark, 200, 0.1, 2, 2).cache();
    model = new BayesByBackpropRegressor().setHiddenLayers(8, 4).setActivation("tanh").setBatchSize(50)
        .setMaxEpochs(5).setPredictSamples(20).setEpistemicVarianceCol("epi").setSeed(3).fit(data);
  }

  /** Uid, Params, outputs and overwrite are every stage's contract (SavableStagesTest); the model's data here. */
  @Test
  void modelRoundTripKeepsParametersAndHistory() throws IOException {
    String path = dir.resolve("model").toString();
    model.write().save(path);
    BayesByBackpropRegressionModel loaded = BayesByBackpropRegressionModel.load(path);
    assertArrayEquals(model.theta(), loaded.theta(), 0.0);
    assertEquals(model.trainingHistory(), loaded.trainingHistory());
  }

  @Test
  void savedPipelineLoadsBackWithIdenticalOutputs() throws IOException {
    StructType schema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
        .add("y", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    java.util.SplittableRandom rng = new java.util.SplittableRandom(4);
    for (int i = 0; i < 300; i++) {
      double a = rng.nextDouble(-1, 1);
      double b = rng.nextDouble(-1, 1);
      rows.add(RowFactory.create(a, b, a - 2 * b + 0.1 * rng.nextGaussian()));
    }
    Dataset<Row> raw = spark.createDataFrame(rows, schema);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(new String[] {"a", "b"}).setOutputCol("features"),
        new BayesByBackpropRegressor().setLabelCol("y").setHiddenLayers(8).setMaxEpochs(5).setBatchSize(30)});
    PipelineModel fitted = pipeline.fit(raw);
    String path = dir.resolve("pipeline").toString();
    fitted.write().save(path);
    assertOutputsEqual(fitted.transform(raw), PipelineModel.load(path).transform(raw));
    String unfitted = dir.resolve("unfitted").toString();
    pipeline.write().save(unfitted);
    assertEquals(2, Pipeline.load(unfitted).getStages().length);
  }

  @Test
  void truncatedOrMissingModelDirectoriesAreRefusedNamingThePath() throws IOException {
    String path = dir.resolve("broken").toString();
    model.write().save(path);
    for (File f : new File(path, "data").listFiles()) {
      if (f.getName().endsWith(".parquet")) Files.write(f.toPath(), new byte[] {1, 2, 3});
    }
    BadInputException corrupt = assertThrows(BadInputException.class,
        () -> BayesByBackpropRegressionModel.load(path));
    assertTrue(corrupt.getMessage().contains(path + "/data"), corrupt.getMessage());

    String empty = dir.resolve("empty").toString();
    new File(empty).mkdirs();
    BadInputException missing = assertThrows(BadInputException.class,
        () -> BayesByBackpropRegressionModel.load(empty));
    assertTrue(missing.getMessage().contains(empty), missing.getMessage());

    String estimatorPath = dir.resolve("est").toString();
    new BayesByBackpropRegressor().write().save(estimatorPath);
    BadInputException wrongClass = assertThrows(BadInputException.class,
        () -> BayesByBackpropRegressionModel.load(estimatorPath));
    assertTrue(wrongClass.getMessage().contains("BayesByBackpropRegressor"), wrongClass.getMessage());
  }

  /** Every Param, set or default, has the same value (arrays compared by content), and the same ones are unset. */
  static void assertSameParams(Params a, Params b) {
    for (Param<?> p : a.params()) {
      assertTrue(b.hasParam(p.name()), p.name());
      assertEquals(a.isDefined(p), b.isDefined(b.getParam(p.name())), p.name() + " defined");
      if (!a.isDefined(p)) continue;
      Object x = a.getOrDefault(p);
      Object y = b.getOrDefault(b.getParam(p.name()));
      assertTrue(java.util.Objects.deepEquals(x, y), p.name() + ": " + x + " vs " + y);
      assertEquals(a.isSet(p), b.isSet(b.getParam(p.name())), p.name() + " set");
    }
  }

  static void assertOutputsEqual(Dataset<Row> a, Dataset<Row> b) {
    List<Row> x = a.collectAsList();
    List<Row> y = b.collectAsList();
    assertEquals(x.size(), y.size());
    for (int i = 0; i < x.size(); i++) assertEquals(x.get(i), y.get(i), "row " + i);
  }
}
