package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/**
 * likelihood=auto fits both likelihoods and keeps the heteroscedastic fit only when the held-out rows find it clearly
 * better; the model kept is then the fit of that likelihood, bit for bit (the two parameter vectors differ in length,
 * so equality also says which was kept).
 */
class LikelihoodChoiceTest {
  private static BayesByBackpropRegressor regressor(String likelihood) {
    return new BayesByBackpropRegressor().setLikelihood(likelihood).setLengthDoublings(0).setEnsembleSize(1)
        .setHiddenLayers(16).setBatchSize(100).setMaxEpochs(150).setSeed(3);
  }

  /**
   * Noise whose sd grows from 0.05 to 0.30 across x: a homoscedastic fit's one variance (about the mean of
   * sigma^2(x), 0.035) against the true ones costs 0.5 E[sigma^2/0.035 - 1 - log(sigma^2/0.035)], about 0.3 nats a
   * row, where the paired differences over the ~100 held-out rows have a standard error near 0.07: the
   * heteroscedastic fit passes the 2-SE rule by a wide margin. With constant noise the heteroscedastic fit gains
   * nothing to find, and passes the rule with probability about 2.5% (LengthChoiceTest measures that rate).
   */
  @Test
  void varyingNoiseKeepsTheHeteroscedasticFitAndConstantNoiseTheHomoscedasticOne() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> varying = SyntheticData.heteroscedasticSine(spark, 1000, 9, 2).cache();
    assertArrayEquals(regressor("heteroscedastic").fit(varying).theta(), regressor("auto").fit(varying).theta(), 0.0);
    Dataset<Row> constant = SyntheticData.sine(spark, 1000, 0.1, 9, 2).cache();
    assertArrayEquals(regressor("homoscedastic").fit(constant).theta(), regressor("auto").fit(constant).theta(), 0.0);
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
    assertArrayEquals(regressor("homoscedastic").setCalibrationFraction(0).fit(varying).theta(),
        regressor("auto").setCalibrationFraction(0).fit(varying).theta(), 0.0);
  }
}
