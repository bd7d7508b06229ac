package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/**
 * likelihood=auto fits both likelihoods and keeps their equal mixture unless one fit alone scores clearly higher on
 * the held-out rows; the model kept is then that candidate, bit for bit (the parameter vectors differ in length, so
 * equality also says which was kept).
 */
class LikelihoodChoiceTest {
  private static BayesByBackpropRegressor regressor(String likelihood) {
    return new BayesByBackpropRegressor().setLikelihood(likelihood).setLengthDoublings(0).setEnsembleSize(1)
        .setHiddenLayers(16).setBatchSize(100).setMaxEpochs(150).setSeed(3);
  }

  /** The parameters likelihood=auto keeps when it keeps {@code noiseModel}, from the two fits' parameters. */
  private static double[] candidate(String noiseModel, BayesByBackpropRegressionModel homoscedastic,
                                    BayesByBackpropRegressionModel heteroscedastic) {
    if (noiseModel.equals("mixture")) {
      return FittedNetwork.mixture(homoscedastic.fitted(), heteroscedastic.fitted()).theta;
    }
    return (noiseModel.equals("homoscedastic") ? homoscedastic : heteroscedastic).theta();
  }

  /**
   * Noise whose sd grows from 0.05 to 0.30 across x: a homoscedastic fit's one variance (about the mean of
   * sigma^2(x), 0.035) against the true ones costs 0.5 E[sigma^2/0.035 - 1 - log(sigma^2/0.035)], about 0.3 nats a
   * row, about six times the standard error of its mean over ~100 held-out rows (a row's difference has sd ~0.5: its
   * r^2 (1/0.035 - 1/sigma^2(x)) / 2 term is 0.47 chi^2_1 where sigma = 0.05), so the heteroscedastic fit scores
   * higher there beyond reasonable doubt; the mixture's variance at the quiet end is at least the mean of the two
   * fits', about (0.0025 + 0.035) / 2, seven times the true one, which costs it 0.5 (1/7 - 1 + log 7) = 0.54 nats a
   * row there, so the heteroscedastic fit is clearly better than the mixture too. With constant noise no candidate
   * has an edge the held-out rows can resolve, so any may be kept; the model is then that candidate, bit for bit.
   */
  @Test
  void varyingNoiseKeepsTheHeteroscedasticFitAndEitherChoiceIsThatFit() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> varying = SyntheticData.heteroscedasticSine(spark, 1000, 9, 2).cache();
    BayesByBackpropRegressionModel chosen = regressor("auto").fit(varying);
    BayesByBackpropRegressionModel heteroscedastic = regressor("heteroscedastic").fit(varying);
    assertArrayEquals(heteroscedastic.theta(), chosen.theta(), 0.0);
    assertEquals("heteroscedastic", chosen.fittedLikelihood());
    // The report says what was kept and why: the three scores, the kept one the highest.
    Matcher scores = Pattern.compile("heteroscedastic \\(held-out log-likelihood per row: homoscedastic"
        + " (-?[0-9.]+), heteroscedastic (-?[0-9.]+), mixture (-?[0-9.]+)\\)").matcher(note(chosen));
    assertTrue(scores.matches(), note(chosen));
    double kept = Double.parseDouble(scores.group(2));
    assertTrue(kept > Double.parseDouble(scores.group(1)) && kept > Double.parseDouble(scores.group(3)), note(chosen));
    theScoresAreTheHeldOutRowsPredictiveDensities(scores, regressor("homoscedastic").fit(varying), heteroscedastic,
        varying);
    Dataset<Row> constant = SyntheticData.sine(spark, 1000, 0.1, 9, 2).cache();
    BayesByBackpropRegressionModel auto = regressor("auto").fit(constant);
    assertTrue(note(auto).startsWith(auto.fittedLikelihood() + " (held-out"), note(auto));
    assertArrayEquals(candidate(auto.fittedLikelihood(), regressor("homoscedastic").fit(constant),
        regressor("heteroscedastic").fit(constant)), auto.theta(), 0.0);
    varying.unpersist();
    constant.unpersist();
  }

  /**
   * The held-out rows judge each candidate by the density of its own predictive at their labels, the mixture of its
   * weight samples' Gaussians (logLikelihoodCol, the score evaluate reports on test rows), not by N(mean, variance):
   * each reported score is the mean of the candidate's logLikelihoodCol over the held-out rows, to the report's four
   * decimals (the scoring is exact and partition-independent, so only the rounding, 5e-5, separates them). Read as
   * N(mean, variance), the mixture of the two fits here scores lower (measured: 0.037 nats a row, 0.356 against
   * 0.319): at the quiet end its narrow heteroscedastic members and wide homoscedastic ones make a peaked,
   * heavy-tailed mixture that the Gaussian of its moments misses, by 200 times the rounding, so the first check tells
   * the two readings apart; the second asks for a fifth of the measured gap.
   */
  private static void theScoresAreTheHeldOutRowsPredictiveDensities(Matcher scores,
      BayesByBackpropRegressionModel homoscedastic, BayesByBackpropRegressionModel heteroscedastic,
      Dataset<Row> data) {
    Dataset<Row> heldOut = data.where(HeldOutCalibration.hashedOut(FitSettings.of(regressor("auto"))));
    BayesByBackpropRegressionModel mixture = new BayesByBackpropRegressionModel("mixture",
        FittedNetwork.mixture(homoscedastic.fitted(), heteroscedastic.fitted()));
    regressor("auto").copyValues(mixture, org.apache.spark.ml.param.ParamMap.empty());
    BayesByBackpropRegressionModel[] candidates = {homoscedastic, heteroscedastic, mixture};
    for (int c = 0; c < candidates.length; c++) {
      double density = HeldOutScores.meanLogDensity(candidates[c], heldOut);
      assertEquals(Double.parseDouble(scores.group(c + 1)), density, 5e-5 + 1e-12, "candidate " + c);
    }
    double gaussian = 0;
    List<Row> scored = mixture.transform(heldOut).select("label", "prediction", "variance").collectAsList();
    for (Row r : scored) {
      double residual = r.getDouble(0) - r.getDouble(1);
      gaussian -= 0.5 * (Math.log(2 * Math.PI * r.getDouble(2)) + residual * residual / r.getDouble(2)) / scored.size();
    }
    double density = Double.parseDouble(scores.group(3));
    assertTrue(density - gaussian > 0.0075, "the mixture's density " + density + ", its Gaussian reading " + gaussian);
  }

  /**
   * The mixture is one heteroscedastic ensemble of both fits' members: it gives each fit back bit for bit (what a
   * fit from it continues), is saved and loaded as a mixture, and predicts the two fits' equal mixture. Its
   * predictive mean over T samples (T/2 from each fit) has Monte Carlo variance (e_1 + e_2) / (2T), the average of
   * the two fits' means over T samples each (e_1 + e_2) / (4T) (e: a fit's epistemic variance), so their difference
   * 3 (e_1 + e_2) / (4T); five of its standard deviations bound it.
   */
  @Test
  void theMixtureHoldsBothFitsAndPredictsTheirMixture(@TempDir Path dir) throws Exception {
    Dataset<Row> constant = SyntheticData.sine(SparkTestSession.get(), 400, 0.1, 9, 2).cache();
    BayesByBackpropRegressionModel homoscedastic = regressor("homoscedastic").setMaxEpochs(30).fit(constant);
    BayesByBackpropRegressionModel heteroscedastic = regressor("heteroscedastic").setMaxEpochs(30).fit(constant);
    BayesByBackpropRegressionModel mixture = new BayesByBackpropRegressionModel("mixture",
        FittedNetwork.mixture(homoscedastic.fitted(), heteroscedastic.fitted()));
    assertEquals("mixture", mixture.fittedLikelihood());
    assertArrayEquals(homoscedastic.theta(), mixture.fitted().part("homoscedastic").theta, 0.0);
    assertArrayEquals(heteroscedastic.theta(), mixture.fitted().part("heteroscedastic").theta, 0.0);
    IllegalStateException perRow = assertThrows(IllegalStateException.class, mixture::noiseVariance);
    assertTrue(perRow.getMessage().contains("mixture noise model"), perRow.getMessage());

    String path = dir.resolve("mixture").toString();
    mixture.write().save(path);
    BayesByBackpropRegressionModel loaded = BayesByBackpropRegressionModel.load(path);
    assertEquals("mixture", loaded.fittedLikelihood());
    assertEquals(mixture.transform(constant).collectAsList(), loaded.transform(constant).collectAsList());

    int samples = 2000;
    List<Row> mixed = scored(mixture.setPredictSamples(samples), constant);
    List<Row> first = scored(homoscedastic.setPredictSamples(samples), constant);
    List<Row> second = scored(heteroscedastic.setPredictSamples(samples), constant);
    for (int i = 0; i < mixed.size(); i++) {
      double expected = 0.5 * (first.get(i).getDouble(0) + second.get(i).getDouble(0));
      double sd = Math.sqrt(3 * (first.get(i).getDouble(1) + second.get(i).getDouble(1)) / (4.0 * samples));
      assertEquals(expected, mixed.get(i).getDouble(0), 5 * sd, "row " + i);
    }
    constant.unpersist();
  }

  /**
   * A fit from a mixture continues each of its fits: with a named likelihood, that fit alone (the same as starting
   * from it); with auto, both, and the three candidates are compared again.
   */
  @Test
  void aMixtureContinuesBothFits() {
    Dataset<Row> varying = SyntheticData.heteroscedasticSine(SparkTestSession.get(), 400, 9, 2).cache();
    BayesByBackpropRegressionModel homoscedastic = regressor("homoscedastic").setMaxEpochs(5).fit(varying);
    BayesByBackpropRegressionModel heteroscedastic = regressor("heteroscedastic").setMaxEpochs(5).fit(varying);
    BayesByBackpropRegressionModel mixture = new BayesByBackpropRegressionModel("mixture",
        FittedNetwork.mixture(homoscedastic.fitted(), heteroscedastic.fitted()));
    BayesByBackpropRegressionModel homoscedasticContinued =
        regressor("homoscedastic").setMaxEpochs(5).setInitialModel(homoscedastic).fit(varying);
    BayesByBackpropRegressionModel heteroscedasticContinued =
        regressor("heteroscedastic").setMaxEpochs(5).setInitialModel(heteroscedastic).fit(varying);
    assertArrayEquals(heteroscedasticContinued.theta(),
        regressor("heteroscedastic").setMaxEpochs(5).setInitialModel(mixture).fit(varying).theta(), 0.0);
    BayesByBackpropRegressionModel auto = regressor("auto").setMaxEpochs(5).setInitialModel(mixture).fit(varying);
    assertTrue(note(auto).startsWith(auto.fittedLikelihood() + " (held-out"), note(auto));
    assertArrayEquals(candidate(auto.fittedLikelihood(), homoscedasticContinued, heteroscedasticContinued),
        auto.theta(), 0.0);
    varying.unpersist();
  }

  /** Each row's predictive mean and epistemic variance, in input order. */
  private static List<Row> scored(BayesByBackpropRegressionModel model, Dataset<Row> rows) {
    return model.setEpistemicVarianceCol("epistemic").transform(rows).select("prediction", "epistemic")
        .collectAsList();
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
  void withoutHeldOutRowsAutoKeepsTheMixture() {
    Dataset<Row> varying = SyntheticData.heteroscedasticSine(SparkTestSession.get(), 400, 9, 2).cache();
    BayesByBackpropRegressionModel auto = regressor("auto").setCalibrationFraction(0).fit(varying);
    assertArrayEquals(candidate("mixture", regressor("homoscedastic").setCalibrationFraction(0).fit(varying),
        regressor("heteroscedastic").setCalibrationFraction(0).fit(varying)), auto.theta(), 0.0);
    assertEquals("mixture", auto.fittedLikelihood());
    assertEquals("mixture: no rows held out to choose with", note(auto));
    varying.unpersist();
  }

  /**
   * The two candidates are fitted over one packing of the rows: one packing job, where fitting them one after the
   * other ran two (their members sharing the task slots is FitSlotsTest's; that the model is the same as fitting
   * them apart, the first test's).
   */
  @Test
  void theCandidatesShareThePackedRows() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> varying = SyntheticData.heteroscedasticSine(spark, 400, 9, 2).cache();
    varying.count();
    AtomicInteger packings = new AtomicInteger();
    SparkListener counter = new SparkListener() {
      @Override public void onJobStart(SparkListenerJobStart start) {
        String description = start.properties().getProperty("spark.job.description");
        if ("spark-bnn: pack and validate training rows".equals(description)) {
          packings.incrementAndGet();
        }
      }
    };
    spark.sparkContext().addSparkListener(counter);
    try {
      regressor("auto").setEnsembleSize(3).setMaxEpochs(30).fit(varying);
    } finally {
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(counter);
    }
    assertEquals(1, packings.get());
    varying.unpersist();
  }

  /**
   * What the packed rows say about the data (here: fewer rows than features, and a feature of two values, 3 or 7,
   * that the standardisation maps to 0 and 1) is logged once, not per candidate.
   */
  @Test
  void whatTheDataSaysIsLoggedOnce() {
    List<Row> rows = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 12; i++) {
      double[] x = new double[30];
      for (int j = 0; j < x.length; j++) x[j] = random.nextGaussian();
      x[4] = i % 3 == 0 ? 7 : 3;
      rows.add(RowFactory.create(Vectors.dense(x), random.nextGaussian()));
    }
    Dataset<Row> thin = SparkTestSession.get().createDataFrame(rows, SyntheticData.SCHEMA);
    List<String> warnings = new CopyOnWriteArrayList<>();
    List<String> infos = new CopyOnWriteArrayList<>();
    Logger logger = (Logger) LogManager.getLogger(NetworkTrainer.class);
    Appender capture = new AbstractAppender("capture-messages", null, null, true, Property.EMPTY_ARRAY) {
      @Override public void append(LogEvent event) {
        (event.getLevel() == Level.WARN ? warnings : infos).add(event.getMessage().getFormattedMessage());
      }
    };
    Level level = logger.getLevel();
    capture.start();
    logger.addAppender(capture);
    logger.setLevel(Level.INFO); // the tests' log configuration shows warnings only
    try {
      regressor("auto").setMaxEpochs(5).fit(thin);
    } finally {
      logger.setLevel(level);
      logger.removeAppender(capture);
      capture.stop();
    }
    assertEquals(1, warnings.stream().filter(w -> w.contains("only 12 training rows for 30 features")).count(),
        warnings.toString());
    assertEquals(1, infos.stream().filter(m -> m.endsWith("1 feature(s) of two values, mapped to 0 and 1 rather"
        + " than standardised: index 4")).count(), infos.toString());
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
