package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;
import org.sparkbnn.bayes.StableMath;

/**
 * The classifier as a Spark ML stage: pipelines with StringIndexer and VectorAssembler, Spark's evaluators,
 * thresholds, persistence, determinism and the errors for labels a classifier cannot use.
 */
class ClassifierStageTest {
  @TempDir Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = SparkTestSession.get();
  }

  private static BayesByBackpropClassifier quick() {
    return new BayesByBackpropClassifier().setLengthDoublings(0).setHiddenLayers(8).setMaxEpochs(20).setBatchSize(64);
  }

  @Test
  void stringLabelsThroughAPipelineSavedAndLoaded() throws Exception {
    String[] names = {"north", "south-west", "south-east"};
    Dataset<Row> raw = SyntheticData.blobs(spark, 900, 4, 2)
        .withColumn("x0", functions.udf((Vector v) -> v.apply(0), org.apache.spark.sql.types.DataTypes.DoubleType)
            .apply(functions.col("features")))
        .withColumn("x1", functions.udf((Vector v) -> v.apply(1), org.apache.spark.sql.types.DataTypes.DoubleType)
            .apply(functions.col("features")))
        .withColumn("kind", functions.element_at(functions.array(functions.lit(names[0]), functions.lit(names[1]),
            functions.lit(names[2])), functions.col("label").cast("int").plus(1)))
        .select("x0", "x1", "kind");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new StringIndexer().setInputCol("kind").setOutputCol("kindIndex"),
        new VectorAssembler().setInputCols(new String[] {"x0", "x1"}).setOutputCol("xy"),
        quick().setFeaturesCol("xy").setLabelCol("kindIndex")});
    PipelineModel fitted = pipeline.fit(raw);
    Dataset<Row> scored = fitted.transform(raw);
    double f1 = new MulticlassClassificationEvaluator().setLabelCol("kindIndex").evaluate(scored);
    // Three unit Gaussians at distance 2 sqrt(3) from each other: the Bayes error is about 2 Phi(-sqrt(3)) = 8%, so
    // the Bayes F1 is about 0.92; 0.85 allows a quick fit 7 points below it, and a pipeline that shuffled the
    // labels' indices against the features would score about 1/3.
    assertTrue(f1 > 0.85, "weighted F1 " + f1);

    String path = dir.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    BayesByBackpropClassificationModel a = (BayesByBackpropClassificationModel) fitted.stages()[2];
    BayesByBackpropClassificationModel b = (BayesByBackpropClassificationModel) loaded.stages()[2];
    PersistenceTest.assertSameParams(a, b);
    assertEquals(3, b.numClasses());
    assertArrayEquals(a.theta(), b.theta());
    // The default calibrationFraction (0.1) held out ~90 rows and fitted a temperature, which the model keeps.
    assertTrue(a.temperature() != 1.0, "temperature " + a.temperature());
    assertEquals(a.temperature(), b.temperature(), 0.0);
    PersistenceTest.assertOutputsEqual(scored, loaded.transform(raw));
  }

  /**
   * A calibrated model's probability is softmax(log p-bar / T) of the same network's uncalibrated predictive, row by
   * row (predictRaw as well as transform), with the same prediction and the posterior's own entropy columns; with
   * calibrationFraction=0 the model is not calibrated.
   */
  @Test
  void theTemperatureScalesProbabilitiesOnlyAndIsOffWithoutHeldOutRows() {
    Dataset<Row> data = SyntheticData.blobs(spark, 1000, 8, 2);
    assertEquals(1.0, quick().setCalibrationFraction(0).fit(data).temperature(), 0.0);

    BayesByBackpropClassificationModel calibrated = quick().setCalibrationFraction(0.2).fit(data);
    double t = calibrated.temperature();
    assertTrue(t != 1.0 && t > 0.05 && t < 20, "temperature " + t);
    BayesByBackpropClassificationModel plain = calibrated.copyValues(new BayesByBackpropClassificationModel(
        calibrated.uid(), calibrated.fitted().calibrated(org.sparkbnn.bayes.TemperatureScaling.NONE, null)),
        new ParamMap());
    List<Row> a = calibrated.transform(data).select("features", "rawPrediction", "probability", "prediction",
        "predictiveEntropy", "mutualInformation").collectAsList();
    List<Row> b = plain.transform(data).select("features", "rawPrediction", "probability", "prediction",
        "predictiveEntropy", "mutualInformation").collectAsList();
    for (int i = 0; i < a.size(); i++) {
      double[] raw = ((Vector) b.get(i).get(1)).toArray();
      double[] expected = new double[raw.length];
      double sum = 0;
      for (int k = 0; k < raw.length; k++) sum += expected[k] = Math.exp(raw[k] / t);
      for (int k = 0; k < raw.length; k++) expected[k] /= sum;
      assertArrayEquals(expected, ((Vector) a.get(i).get(2)).toArray(), 1e-12, "row " + i);
      assertEquals(b.get(i).getDouble(3), a.get(i).getDouble(3), "row " + i + ": prediction");
      assertEquals(b.get(i).getDouble(4), a.get(i).getDouble(4), 0.0, "row " + i + ": predictive entropy");
      assertEquals(b.get(i).getDouble(5), a.get(i).getDouble(5), 0.0, "row " + i + ": mutual information");
    }
    Vector features = (Vector) a.get(0).get(0);
    assertArrayEquals(((Vector) a.get(0).get(1)).toArray(), calibrated.predictRaw(features).toArray(), 1e-12);
  }

  @Test
  void binaryCaseWorksWithBinaryClassificationEvaluator() {
    Dataset<Row> twoClasses = SyntheticData.blobs(spark, 1200, 5, 2).where("label < 2");
    Dataset<Row> scored = quick().fit(twoClasses).transform(twoClasses);
    double auc = new BinaryClassificationEvaluator().evaluate(scored);
    // Two unit Gaussians 2 sqrt(3) apart: the Bayes AUROC is Phi(sqrt(3) * 2 / sqrt(2)) = 0.993.
    assertTrue(auc > 0.97, "AUROC " + auc);
  }

  @Test
  void thresholdsFollowSparkAndAreChecked() {
    Dataset<Row> data = SyntheticData.blobs(spark, 600, 6, 2);
    BayesByBackpropClassificationModel model = quick().fit(data);
    // Scaling class 2's threshold down makes it win unless another class is 100x more probable.
    Dataset<Row> scored = model.copy(new ParamMap())
        .setThresholds(new double[] {1, 1, 0.01}).transform(data);
    for (Row r : scored.select("probability", "prediction").collectAsList()) {
      double[] p = ((Vector) r.get(0)).toArray();
      double expected = p[2] / 0.01 >= Math.max(p[0], p[1]) ? 2 : p[0] >= p[1] ? 0 : 1;
      assertEquals(expected, r.getDouble(1), 0.0);
    }
    // Spark's setter checks the length on a model; thresholds set on the estimator are checked at transform.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> quick().setMaxEpochs(1).setThresholds(new double[] {0.5, 0.5}).fit(data).transform(data));
    assertTrue(e.getMessage().contains("thresholds") && e.getMessage().contains("3 classes"), e.getMessage());
  }

  @Test
  void sameSeedGivesTheSameModelAndRowsScoreAlikeInAnyPartitioning() {
    Dataset<Row> data = SyntheticData.blobs(spark, 500, 7, 2);
    BayesByBackpropClassificationModel a = quick().setMaxEpochs(3).fit(data);
    BayesByBackpropClassificationModel b = quick().setMaxEpochs(3).fit(data);
    assertArrayEquals(a.theta(), b.theta());
    Dataset<Row> withId = data.withColumn("id", functions.monotonically_increasing_id()).cache();
    List<Row> one = a.transform(withId.coalesce(1)).orderBy("id").select("probability", "mutualInformation")
        .collectAsList();
    List<Row> many = a.transform(withId.repartition(5)).orderBy("id").select("probability", "mutualInformation")
        .collectAsList();
    assertEquals(one, many);
  }

  /**
   * klScale reaches the classifier's fit: beta = 0.3 leaves the posterior narrower than the classifier's default
   * 1 (the ELBO), by the derivation of TrainingLoopTest.aSmallerKlScaleGivesANarrowerPosterior (sigma^2 = 1 / (h /
   * beta + 1 / s^2) for a weight of NLL curvature h, and a KL pull on sigma proportional to beta before
   * convergence): the geometric mean of sigma over the weights at least 10% smaller. Trained as that test does (step
   * size 0.02, 800 steps), far enough for sigma to leave its initial value.
   */
  @Test
  void klScaleTempersTheClassifiersPosterior() {
    Dataset<Row> data = SyntheticData.blobs(spark, 500, 7, 2);
    BayesByBackpropClassifier elbo = quick().setCalibrationFraction(0).setLearningRate(0.02).setMaxEpochs(100);
    assertEquals(1.0, elbo.getKlScale(), "the classifier's default is the ELBO");
    double[] atOne = elbo.fit(data).theta();
    double[] tempered = elbo.copy(new ParamMap()).setKlScale(0.3).fit(data).theta();
    // Two features, 8 hidden units, 3 classes: the mean and rho of each of (2 * 8 + 8) + (8 * 3 + 3) weights.
    int numWeights = 2 * 8 + 8 + 8 * 3 + 3;
    assertEquals(2 * numWeights, atOne.length);
    double logRatio = 0;
    for (int i = 0; i < numWeights; i++) {
      logRatio += Math.log(StableMath.softplus(tempered[numWeights + i]) / StableMath.softplus(atOne[numWeights + i]));
    }
    double ratio = Math.exp(logRatio / numWeights);
    assertTrue(ratio < 0.9, "geometric mean sigma at klScale 0.3 / at 1: " + ratio);
  }

  /** 30 rows of two classes with the given label at row 11 (one partition, so the row index is known). */
  private static Dataset<Row> withLabel(Double label) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      rows.add(RowFactory.create(Vectors.dense(i / 30.0), i == 11 ? label : (double) (i % 2)));
    }
    return spark.createDataFrame(rows, SyntheticData.SCHEMA).coalesce(1);
  }

  private static String fitError(Dataset<Row> data) {
    return assertThrows(IllegalArgumentException.class, () -> quick().setMaxEpochs(1).fit(data)).getMessage();
  }

  @Test
  void labelsAClassifierCannotUseAreNamed() {
    String fraction = fitError(withLabel(1.5));
    assertTrue(fraction.contains("'label'") && fraction.contains("1.5") && fraction.contains("row 12 (1-based")
        && fraction.contains("class index"), fraction);
    String negative = fitError(withLabel(-1.0));
    assertTrue(negative.contains("-1.0") && negative.contains("row 12 (1-based"), negative);
    String nan = fitError(withLabel(Double.NaN));
    assertTrue(nan.contains("'label'") && nan.contains("NaN"), nan);

    Dataset<Row> declaredTwo = withLabel(2.0).withColumn("label", functions.col("label"),
        NominalAttribute.defaultAttr().withNumValues(2).toMetadata());
    String beyond = fitError(declaredTwo);
    assertTrue(beyond.contains("2.0") && beyond.contains("declares 2 classes"), beyond);

    List<Row> single = new ArrayList<>();
    for (int i = 0; i < 20; i++) single.add(RowFactory.create(Vectors.dense(i), 1.0));
    String one = fitError(spark.createDataFrame(single, SyntheticData.SCHEMA));
    assertTrue(one.contains("single class (1.0)") && one.contains("at least two"), one);

    // handleInvalid=skip drops the bad row instead; a gap in the class indices is allowed (K = max + 1).
    BayesByBackpropClassificationModel skipped = quick().setMaxEpochs(1).setHandleInvalid("skip").fit(withLabel(0.5));
    assertEquals(2, skipped.numClasses());
    assertEquals(4, quick().setMaxEpochs(1).fit(withLabel(3.0)).numClasses());
  }

  @Test
  void paramsHaveDefaultsAndInvalidCombinationsFailBeforeReadingData() {
    BayesByBackpropClassifier c = new BayesByBackpropClassifier().setLengthDoublings(0);
    assertEquals("predictiveEntropy", c.getPredictiveEntropyCol());
    assertEquals("mutualInformation", c.getMutualInformationCol());
    assertEquals("", c.getProbabilityVarianceCol());
    assertEquals("probability", c.getProbabilityCol());
    assertEquals("rawPrediction", c.getRawPredictionCol());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.setPrior("scaleMixture").fit(withLabel(1.0)));
    assertTrue(e.getMessage().contains("estimator=reparameterization"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> c.setMutualInformationCol("features")
        .transformSchema(SyntheticData.SCHEMA));
  }
}
