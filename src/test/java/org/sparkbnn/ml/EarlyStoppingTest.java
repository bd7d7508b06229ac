package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/**
 * earlyStopping: of the parameters after 1/8, 1/4, 1/2 and all of the epochs, the fit keeps those whose predictive
 * scores the held-out rows best, and the model it returns is exactly the fit of that many epochs. The candidates
 * are checked against fits of each length on their own, scored on the same held-out rows. (lengthDoublings is off
 * here: {@link LengthExtensionTest} covers it.)
 */
class EarlyStoppingTest {
  private static final int FULL = 160;
  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = SparkTestSession.get();
  }

  /**
   * 80 rows of a noisy sine (noise sd 0.5) and a wide network under a weak KL term (klScale 0.02), trained for
   * 800 steps: the posterior means follow the noise, so the held-out log-likelihood falls after its best length
   * and a shorter one is kept; two ensemble members, so that each candidate is both members at that length.
   */
  private static BayesByBackpropRegressor regressor(int epochs) {
    return new BayesByBackpropRegressor().setHiddenLayers(64).setBatchSize(16).setLearningRate(0.02)
        .setKlScale(0.02).setEnsembleSize(2).setCalibrationFraction(0.3).setPredictSamples(30).setSeed(5)
        .setMaxEpochs(epochs).setLengthDoublings(0);
  }

  @Test
  void theRegressorKeepsTheHeldOutBestLengthAndIsTheFitOfThatLength() {
    Dataset<Row> train = SyntheticData.sine(spark, 80, 0.5, 11, 2).cache();
    BayesByBackpropRegressionModel stopped = regressor(FULL).setEarlyStopping(true).fit(train);
    Dataset<Row> heldOut = train.where(HeldOutCalibration.hashedOut(FitSettings.of(regressor(FULL))));
    Map<Integer, BayesByBackpropRegressionModel> alone = new LinkedHashMap<>();
    Map<Integer, Double> logLikelihood = new LinkedHashMap<>();
    for (int epochs : new int[] {FULL / 8, FULL / 4, FULL / 2, FULL}) {
      BayesByBackpropRegressionModel model = regressor(epochs).fit(train);
      alone.put(epochs, model);
      logLikelihood.put(epochs, HeldOutScores.meanLogDensity(model, heldOut));
    }
    int kept = stopped.trainingHistory().size();
    assertEquals(best(logLikelihood), kept, "held-out log-likelihood by length: " + logLikelihood);
    assertTrue(kept < FULL, "longer training was meant to over-fit here: " + logLikelihood);
    assertArrayEquals(alone.get(kept).theta(), stopped.theta(), 0.0);
  }

  @Test
  void theClassifierKeepsTheFitOfTheLengthItChose() {
    Dataset<Row> train = SyntheticData.blobs(spark, 120, 4, 2).cache();
    BayesByBackpropClassificationModel stopped = classifier(FULL).setEarlyStopping(true).fit(train);
    int kept = stopped.trainingHistory().size();
    assertTrue(List.of(FULL / 8, FULL / 4, FULL / 2, FULL).contains(kept), "kept " + kept + " epochs");
    assertArrayEquals(classifier(kept).fit(train).theta(), stopped.theta(), 0.0);
  }

  private static BayesByBackpropClassifier classifier(int epochs) {
    return new BayesByBackpropClassifier().setHiddenLayers(32).setBatchSize(16).setLearningRate(0.02)
        .setCalibrationFraction(0.3).setPredictSamples(30).setSeed(6).setMaxEpochs(epochs).setLengthDoublings(0);
  }

  /** The length with the highest value; the longest of equal ones, as the fit breaks ties. */
  private static int best(Map<Integer, Double> byLength) {
    int best = -1;
    for (Map.Entry<Integer, Double> e : byLength.entrySet()) {
      if (best < 0 || e.getValue() >= byLength.get(best)) best = e.getKey();
    }
    return best;
  }
}
