package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/**
 * lengthDoublings: a fit that its held-out rows show still learning trains 2, 4, ... times its planned epochs while
 * each doubling clearly beats the length before it ({@link LengthChoice#clearlyBetter}), and the model it returns
 * is exactly the fit planned that long. The rule is checked against fits of each length on their own, scored on the
 * same held-out rows.
 */
class LengthExtensionTest {
  private static final int PLANNED = 6;
  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = SparkTestSession.get();
  }

  /**
   * 200 rows of sin(3x) with little noise (sd 0.05), trained for 6 epochs of 9 steps: far from fitted, so the
   * held-out log-likelihood still rises steeply at the planned length; two ensemble members, so that each length
   * is both members at that length.
   */
  private static BayesByBackpropRegressor regressor(int epochs, int doublings) {
    return new BayesByBackpropRegressor().setHiddenLayers(32).setBatchSize(16).setLearningRate(0.01)
        .setEnsembleSize(2).setCalibrationFraction(0.3).setPredictSamples(30).setSeed(7).setMaxEpochs(epochs)
        .setLengthDoublings(doublings);
  }

  @Test
  void aFitStillLearningTrainsLongerAndIsTheFitOfThatLength() {
    Dataset<Row> train = SyntheticData.sine(spark, 200, 0.05, 12, 2).cache();
    BayesByBackpropRegressionModel extended = regressor(PLANNED, 3).fit(train);
    Dataset<Row> heldOut = train.where(HeldOutCalibration.hashedOut(FitSettings.of(regressor(PLANNED, 0))));
    Map<Integer, BayesByBackpropRegressionModel> alone = new LinkedHashMap<>();
    Map<Integer, LengthChoice.Scored> scored = new LinkedHashMap<>();
    for (int epochs = PLANNED / 2; epochs <= 8 * PLANNED; epochs *= 2) {
      BayesByBackpropRegressionModel model = regressor(epochs, 0).fit(train);
      alone.put(epochs, model);
      scored.put(epochs, rowLogLikelihoods(model, heldOut));
    }
    int expected = PLANNED;
    if (LengthChoice.clearlyBetter(scored.get(PLANNED), scored.get(PLANNED / 2))) {
      while (expected < 8 * PLANNED && LengthChoice.clearlyBetter(scored.get(2 * expected), scored.get(expected))) {
        expected *= 2;
      }
    }
    int kept = extended.trainingHistory().size();
    assertEquals(expected, kept, "held-out log-likelihood by length: " + means(scored));
    assertTrue(kept > PLANNED, "the planned length was meant to under-fit here: " + means(scored));
    assertArrayEquals(alone.get(kept).theta(), extended.theta(), 0.0);
    String note = extended.fitted().details.summary.get("training length");
    assertTrue(note.startsWith("lengthDoublings: trained " + kept + " epochs, " + PLANNED + " planned"), note);
  }

  /** The same extended fit whether its gradients meet in a barrier stage or in one Spark job per step. */
  @Test
  void theExtendedFitIsTheSameInEitherSyncMode() {
    Dataset<Row> train = SyntheticData.sine(spark, 200, 0.05, 12, 2).cache();
    BayesByBackpropRegressionModel collective = regressor(PLANNED, 1).setSyncMode("collective").fit(train);
    BayesByBackpropRegressionModel perStep = regressor(PLANNED, 1).setSyncMode("sparkJob").fit(train);
    assertEquals(2 * PLANNED, collective.trainingHistory().size(), "extended once");
    assertArrayEquals(collective.theta(), perStep.theta(), 0.0);
  }

  /**
   * Pure noise (y ~ N(0, 1) independent of x) over 1,800 steps: the fit has nothing left to learn, the held-out rows
   * see no clear gain from half its length to all of it, and it keeps the planned length, bit for bit.
   */
  @Test
  void aFitThatHasLevelledOffKeepsItsLength() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(13);
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      rows.add(org.apache.spark.sql.RowFactory.create(
          org.apache.spark.ml.linalg.Vectors.dense(random.nextDouble(-1, 1)), random.nextGaussian()));
    }
    Dataset<Row> train = spark.createDataFrame(rows, SyntheticData.SCHEMA).cache();
    BayesByBackpropRegressionModel model = regressor(200, 1).fit(train);
    assertEquals(200, model.trainingHistory().size());
    assertArrayEquals(regressor(200, 0).fit(train).theta(), model.theta(), 0.0);
  }

  /**
   * The half length the extension compares with is not a candidate to keep without earlyStopping: on the data of
   * {@link EarlyStoppingTest}, where half the length scores the held-out rows better, the fit keeps all of it.
   */
  @Test
  void theHalfLengthIsNotKeptWithoutEarlyStopping() {
    Dataset<Row> train = SyntheticData.sine(spark, 80, 0.5, 11, 2).cache();
    BayesByBackpropRegressor overFitting = new BayesByBackpropRegressor().setHiddenLayers(64).setBatchSize(16)
        .setLearningRate(0.02).setKlScale(0.02).setEnsembleSize(2).setCalibrationFraction(0.3).setPredictSamples(30)
        .setSeed(5).setMaxEpochs(160);
    BayesByBackpropRegressionModel model = overFitting.copy(ParamMap.empty()).setLengthDoublings(2).fit(train);
    assertEquals(160, model.trainingHistory().size());
    assertArrayEquals(overFitting.copy(ParamMap.empty()).setLengthDoublings(0).fit(train).theta(), model.theta(),
        0.0);
    BayesByBackpropRegressionModel stopped = overFitting.copy(ParamMap.empty()).setEarlyStopping(true).fit(train);
    assertTrue(stopped.trainingHistory().size() < 160, "half the length was meant to score better here");
  }

  @Test
  void withoutHeldOutRowsTheFitKeepsItsLength() {
    Dataset<Row> train = SyntheticData.sine(spark, 200, 0.05, 12, 2).cache();
    BayesByBackpropRegressionModel model = regressor(PLANNED, 3).setCalibrationFraction(0).fit(train);
    assertEquals(PLANNED, model.trainingHistory().size());
  }

  /** The classifier's extension: the kept length is a doubling of the planned one and the fit of that length. */
  @Test
  void theClassifierKeepsTheFitOfTheLengthItReached() {
    Dataset<Row> train = SyntheticData.blobs(spark, 200, 4, 2).cache();
    BayesByBackpropClassificationModel extended = classifier(3, 2).fit(train);
    int kept = extended.trainingHistory().size();
    assertTrue(List.of(3, 6, 12).contains(kept), "kept " + kept + " epochs");
    assertArrayEquals(classifier(kept, 0).fit(train).theta(), extended.theta(), 0.0);
  }

  private static BayesByBackpropClassifier classifier(int epochs, int doublings) {
    return new BayesByBackpropClassifier().setHiddenLayers(16).setBatchSize(16).setLearningRate(0.005)
        .setCalibrationFraction(0.3).setPredictSamples(30).setSeed(6).setMaxEpochs(epochs)
        .setLengthDoublings(doublings);
  }

  /** The model's Gaussian predictive log-density of each held-out row, in the order the fit scores them. */
  private static LengthChoice.Scored rowLogLikelihoods(BayesByBackpropRegressionModel model, Dataset<Row> rows) {
    double[] ll = HeldOutScores.logDensities(model, rows);
    return () -> ll;
  }

  private static Map<Integer, Double> means(Map<Integer, LengthChoice.Scored> scored) {
    Map<Integer, Double> means = new LinkedHashMap<>();
    scored.forEach((epochs, s) -> means.put(epochs, s.logLikelihood()));
    return means;
  }
}
