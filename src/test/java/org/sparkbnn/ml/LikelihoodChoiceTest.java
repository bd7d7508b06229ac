package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/**
 * likelihood=auto fits both likelihoods and keeps the one with the higher held-out log-likelihood; the model kept is
 * then the fit of that likelihood, bit for bit (the two parameter vectors differ in length, so equality also says
 * which was kept).
 */
class LikelihoodChoiceTest {
  private static BayesByBackpropRegressor regressor(String likelihood) {
    return new BayesByBackpropRegressor().setLikelihood(likelihood).setLengthDoublings(0).setEnsembleSize(1)
        .setHiddenLayers(16).setBatchSize(100).setMaxEpochs(150).setSeed(3);
  }

  /**
   * Noise whose sd grows from 0.05 to 0.30 across x: a homoscedastic fit's one variance (about the mean of
   * sigma^2(x), 0.035) against the true ones costs 0.5 E[sigma^2/0.035 - 1 - log(sigma^2/0.035)], about 0.3 nats a
   * row, about six times the standard error of its mean over ~100 held-out rows (a row's difference has sd ~0.5: its
   * r^2 (1/0.035 - 1/sigma^2(x)) / 2 term is 0.47 chi^2_1 where sigma = 0.05), so the heteroscedastic fit scores
   * higher there beyond reasonable doubt. With constant noise
   * neither has an edge the held-out rows can resolve, so either may be kept; the model is then that fit, bit for
   * bit.
   */
  @Test
  void varyingNoiseKeepsTheHeteroscedasticFitAndEitherChoiceIsThatFit() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> varying = SyntheticData.heteroscedasticSine(spark, 1000, 9, 2).cache();
    BayesByBackpropRegressionModel chosen = regressor("auto").fit(varying);
    assertArrayEquals(regressor("heteroscedastic").fit(varying).theta(), chosen.theta(), 0.0);
    assertEquals("heteroscedastic", chosen.fittedLikelihood());
    // The report says what was kept and why: both scores, the kept one the higher.
    Matcher scores = Pattern.compile("heteroscedastic \\(held-out log-likelihood per row: homoscedastic"
        + " (-?[0-9.]+), heteroscedastic (-?[0-9.]+)\\)").matcher(note(chosen));
    assertTrue(scores.matches(), note(chosen));
    assertTrue(Double.parseDouble(scores.group(2)) > Double.parseDouble(scores.group(1)), note(chosen));
    Dataset<Row> constant = SyntheticData.sine(spark, 1000, 0.1, 9, 2).cache();
    BayesByBackpropRegressionModel auto = regressor("auto").fit(constant);
    assertTrue(note(auto).startsWith(auto.fittedLikelihood() + " (held-out"), note(auto));
    assertArrayEquals(regressor(auto.fittedLikelihood()).fit(constant).theta(), auto.theta(), 0.0);
    varying.unpersist();
    constant.unpersist();
  }

  /** Each candidate checkpoints in its own subdirectory, and a rerun resumes both into the same model. */
  @Test
  void theCandidatesCheckpointApart(@TempDir Path dir) {
    Dataset<Row> varying = SyntheticData.heteroscedasticSine(SparkTestSession.get(), 400, 9, 2).cache();
    String checkpoints = dir.resolve("checkpoints").toString();
    double[] first = regressor("auto").setMaxEpochs(20).setCheckpointDir(checkpoints).fit(varying).theta();
    for (String likelihood : new String[] {"homoscedastic", "heteroscedastic"}) {
      assertTrue(new File(checkpoints, "likelihood-" + likelihood).isDirectory(), likelihood);
    }
    assertArrayEquals(first, regressor("auto").setMaxEpochs(20).setCheckpointDir(checkpoints).fit(varying).theta(),
        0.0);
    varying.unpersist();
  }

  @Test
  void withoutHeldOutRowsAutoIsHomoscedastic() {
    Dataset<Row> varying = SyntheticData.heteroscedasticSine(SparkTestSession.get(), 400, 9, 2);
    BayesByBackpropRegressionModel auto = regressor("auto").setCalibrationFraction(0).fit(varying);
    assertArrayEquals(regressor("homoscedastic").setCalibrationFraction(0).fit(varying).theta(), auto.theta(), 0.0);
    assertEquals("homoscedastic", auto.fittedLikelihood());
    assertEquals("homoscedastic: no rows held out to choose with", note(auto));
  }

  /** A fit from an initial model keeps its noise model (its output layer's shape depends on it): one fit, no choice. */
  @Test
  void anInitialModelKeepsItsLikelihood() {
    Dataset<Row> varying = SyntheticData.heteroscedasticSine(SparkTestSession.get(), 400, 9, 2).cache();
    BayesByBackpropRegressionModel initial = regressor("heteroscedastic").setMaxEpochs(5).fit(varying);
    BayesByBackpropRegressionModel continued = regressor("auto").setMaxEpochs(5).setInitialModel(initial).fit(varying);
    assertEquals("heteroscedastic", continued.fittedLikelihood());
    assertEquals("heteroscedastic, the initial model's", note(continued));
    varying.unpersist();
  }

  private static String note(BayesByBackpropRegressionModel model) {
    return model.fitted().details.summary.get(LikelihoodChoice.NOTE);
  }
}
