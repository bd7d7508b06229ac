package org.sparkbnn.ml;

import static org.apache.spark.sql.functions.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;
import org.sparkbnn.bayes.IntervalCalibration;

/**
 * calibrationFraction on heavy-tailed data ({@link SyntheticData#contaminatedSine}): the calibrated model's 90%
 * intervals cover 90% of fresh rows where Gaussian ones cover about 97%; the held-out rows are left out of the fit
 * and nothing else changes.
 */
class IntervalCalibrationFitTest {
  private static SparkSession spark;
  private static Dataset<Row> train;
  private static BayesByBackpropRegressionModel calibrated;
  private static Dataset<Row> fresh;

  private static BayesByBackpropRegressor regressor() {
    return new BayesByBackpropRegressor().setHiddenLayers(32).setBatchSize(100).setMaxEpochs(60)
        .setLearningRate(0.01).setSeed(3).setLowerBoundCol("lower").setUpperBoundCol("upper");
  }

  @BeforeAll
  static void fit() {
    spark = SparkTestSession.get();
    train = SyntheticData.contaminatedSine(spark, 3000, 1, 2).cache();
    calibrated = regressor().setCalibrationFraction(0.3).fit(train);
    fresh = SyntheticData.contaminatedSine(spark, 4000, 2, 2).cache();
  }

  private static double coverage(BayesByBackpropRegressionModel model) {
    List<Row> rows = model.transform(fresh).select("label", "lower", "upper").collectAsList();
    return rows.stream().filter(r -> r.getDouble(0) >= r.getDouble(1) && r.getDouble(0) <= r.getDouble(2)).count()
        / (double) rows.size();
  }

  /** The same fitted network without its calibration. */
  private static BayesByBackpropRegressionModel gaussian(BayesByBackpropRegressionModel model) {
    return model.copyValues(new BayesByBackpropRegressionModel(model.uid(),
        model.fitted().calibrated(IntervalCalibration.NONE, null)), org.apache.spark.ml.param.ParamMap.empty());
  }

  /**
   * About 900 held-out rows: given them, the interval's coverage of an exchangeable row is 0.9 in expectation
   * with a spread of sqrt(0.9 * 0.1 / 900) = 0.010 from the particular held-out rows (Lei et al. 2018), and 4000
   * fresh rows add sampling error sqrt(0.09 / 4000) = 0.0047: together 0.011, and the band is 4 of those either
   * side. The same network's Gaussian intervals cover at least the 96.6% that the noise alone puts inside them.
   */
  @Test
  void calibratedIntervalsCoverWhatTheyPromiseOnHeavyTailedData() {
    double sd = Math.sqrt(0.09 / 900 + 0.09 / 4000);
    double withCalibration = coverage(calibrated);
    double without = coverage(gaussian(calibrated));
    System.out.printf("90%% intervals: calibrated coverage %.4f (mean -+ %.3f sd), Gaussian %.4f%n",
        withCalibration, calibrated.calibration().halfWidth(0.9), without);
    assertTrue(calibrated.calibration().isCalibrated());
    assertEquals(0.9, withCalibration, 4 * sd, "calibrated coverage");
    assertTrue(without > 0.9 + 4 * sd, "the Gaussian control must over-cover: " + without);
  }

  /** Calibration sets the bounds only: mean and variance are the network's, the bounds mean -+ q sd. */
  @Test
  void calibrationSetsTheBoundsOnly() {
    List<Row> a = gaussian(calibrated).transform(fresh).select("prediction", "variance").limit(50).collectAsList();
    List<Row> b = calibrated.transform(fresh).select("prediction", "variance", "lower", "upper").limit(50)
        .collectAsList();
    double q = calibrated.calibration().halfWidth(0.9);
    for (int i = 0; i < a.size(); i++) {
      double mean = b.get(i).getDouble(0);
      double sd = Math.sqrt(b.get(i).getDouble(1));
      assertEquals(a.get(i).getDouble(0), mean, 0.0);
      assertEquals(a.get(i).getDouble(1), b.get(i).getDouble(1), 0.0);
      assertEquals(mean - q * sd, b.get(i).getDouble(2), 1e-9 * (1 + Math.abs(mean)));
      assertEquals(mean + q * sd, b.get(i).getDouble(3), 1e-9 * (1 + Math.abs(mean)));
    }
  }

  /**
   * The held-out rows are left out of the fit and nothing else is: fitting the other rows without calibration
   * (same partitions, same order) gives the same parameters, bit for bit.
   */
  @Test
  void heldOutRowsAreLeftOutOfTheFitAndNothingElse() {
    BayesByBackpropRegressor stage = regressor().setCalibrationFraction(0.3);
    Column heldOut = HeldOutCalibration.plan(FitSettings.of(stage), train).heldOut();
    long n = train.where(heldOut).count();
    // A hash of each row picks it with probability 0.3: n ~ Binomial(3000, 0.3), sd sqrt(3000 x 0.3 x 0.7) = 25.
    assertEquals(900, n, 4 * Math.sqrt(3000 * 0.3 * 0.7), n + " of 3000 rows held out for calibrationFraction 0.3");
    BayesByBackpropRegressionModel rest = regressor().setCalibrationFraction(0).fit(train.where(not(heldOut)));
    assertArrayEquals(rest.theta(), calibrated.theta(), 0.0);
    assertFalse(rest.calibration().isCalibrated());
  }

  @Test
  void calibrationIsSavedWithTheModel(@TempDir Path dir) throws Exception {
    String path = dir.resolve("model").toString();
    calibrated.write().save(path);
    BayesByBackpropRegressionModel loaded = BayesByBackpropRegressionModel.load(path);
    assertArrayEquals(calibrated.calibration().quantiles(), loaded.calibration().quantiles(), 0.0);
    assertEquals(calibrated.transform(fresh).select("upper").first().getDouble(0),
        loaded.transform(fresh).select("upper").first().getDouble(0), 0.0);
  }

  @Test
  void tooFewHeldOutRowsLeaveTheModelUncalibrated() {
    BayesByBackpropRegressionModel small = regressor().setMaxEpochs(2).setCalibrationFraction(0.1)
        .fit(SyntheticData.sine(spark, 60, 0.1, 4, 1));
    assertFalse(small.calibration().isCalibrated());
  }

  /** 200 copies of one row hash alike, so all of them fall in the held-out range or none: the fit trains on all. */
  @Test
  void identicalRowsAreNotAllHeldOut() {
    Dataset<Row> copies = SyntheticData.sine(spark, 1, 0.1, 4, 1).crossJoin(spark.range(200)).drop("id");
    // A seed whose hash puts the row in the held-out range (each seed does with probability 0.1; 0.96 for one of 30).
    java.util.function.LongPredicate holdsThemOut = s -> copies.where(HeldOutCalibration.hashedOut(
        FitSettings.of(regressor().setSeed(s).setCalibrationFraction(0.1)))).count() == 200;
    long seed = java.util.stream.LongStream.range(0, 30).filter(holdsThemOut).findFirst().orElseThrow();
    BayesByBackpropRegressor stage = regressor().setMaxEpochs(1).setSeed(seed).setCalibrationFraction(0.1);
    assertEquals(null, HeldOutCalibration.plan(FitSettings.of(stage), copies).heldOut());
    assertFalse(stage.fit(copies).calibration().isCalibrated());
  }
}
