package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;
import org.sparkbnn.bayes.TemperatureScaling;

/** The classifier's alternativeKlScale: a second fit at another beta, kept if the held-out rows score it higher. */
class KlScaleChoiceTest {
  private static BayesByBackpropClassifier classifier() {
    // The fits the held-out rows judged, as they were (refitOnAllRows: RefitOnAllRowsTest).
    return new BayesByBackpropClassifier().setLengthDoublings(0).setHiddenLayers(8).setMaxEpochs(20).setBatchSize(64)
        .setCalibrationFraction(0.25).setRefitOnAllRows(false);
  }

  /**
   * With rows held out, the model is one of the two single-beta fits bit for bit (each candidate is a fit of its
   * own over the same rows): the alternative's if its predictive gives the held-out labels a higher mean
   * log-probability by more than one standard error of the paired per-row difference, else the klScale fit's; its
   * klScale is that fit's beta. The report's scores, difference and standard error are recomputed here from each
   * fit's own predictive before its temperature (the temperature is fitted after the choice, on the kept fit), to
   * the report's four decimals: the scoring is exact and partition-independent, so only the rounding (5e-5)
   * separates them. Beta 0.1 against 1 on 400 rows of three blobs: measured, the means differ by 0.004 nats a row,
   * thirteen standard errors and eighty times that rounding, so a swapped rule or a wrong score would show.
   */
  @Test
  void theHeldOutRowsKeepTheAlternativeOnlyIfItScoresClearlyHigher() {
    Dataset<Row> data = SyntheticData.blobs(SparkTestSession.get(), 400, 11, 2).cache();
    BayesByBackpropClassifier both = classifier().setAlternativeKlScale(0.1);
    assertEquals(1.0, both.getKlScale());
    BayesByBackpropClassificationModel chosen = both.fit(data);
    BayesByBackpropClassificationModel atOne = both.copy(new ParamMap()).setAlternativeKlScale(0).fit(data);
    BayesByBackpropClassificationModel atTenth =
        both.copy(new ParamMap()).setKlScale(0.1).setAlternativeKlScale(0).fit(data);
    String note = chosen.fitted().details.summary.get(KlScaleChoice.NOTE);
    Matcher m = Pattern.compile("(\\S+) \\(held-out log-likelihood per row: klScale 1\\.0 (-?[0-9.]+),"
        + " 0\\.1 (-?[0-9.]+); difference ([-+][0-9.]+), standard error ([0-9.]+)\\)").matcher(String.valueOf(note));
    assertTrue(m.matches(), note);
    Dataset<Row> heldOut = data.where(HeldOutCalibration.hashedOut(FitSettings.of(both)));
    double[] one = heldOutLogLikelihoods(both, atOne, heldOut);
    double[] tenth = heldOutLogLikelihoods(both, atTenth, heldOut);
    int n = one.length;
    double meanOne = 0;
    double meanTenth = 0;
    for (int i = 0; i < n; i++) {
      meanOne += one[i] / n;
      meanTenth += tenth[i] / n;
    }
    double squares = 0;
    for (int i = 0; i < n; i++) squares += Math.pow(tenth[i] - one[i] - (meanTenth - meanOne), 2);
    double standardError = Math.sqrt(squares / (n - 1) / n);
    assertEquals(meanOne, Double.parseDouble(m.group(2)), 5e-5 + 1e-12);
    assertEquals(meanTenth, Double.parseDouble(m.group(3)), 5e-5 + 1e-12);
    assertEquals(meanTenth - meanOne, Double.parseDouble(m.group(4)), 5e-5 + 1e-12);
    assertEquals(standardError, Double.parseDouble(m.group(5)), 5e-5 + 1e-12);

    double kept = meanTenth - meanOne > standardError ? 0.1 : 1.0;
    assertEquals(kept, Double.parseDouble(m.group(1)), note);
    assertEquals(kept, chosen.getKlScale());
    assertArrayEquals((kept == 1.0 ? atOne : atTenth).theta(), chosen.theta(), 0.0);
    assertTrue(Math.abs(meanTenth - meanOne) > 1e-3, "the two fits score alike: " + note);
    data.unpersist();
  }

  /** No held-out rows (nothing to choose with), or an alternative equal to klScale or 0: the klScale fit alone. */
  @Test
  void withoutHeldOutRowsOrAnotherBetaTheKlScaleFitIsTheOnlyOne() {
    Dataset<Row> data = SyntheticData.blobs(SparkTestSession.get(), 200, 12, 2).cache();
    BayesByBackpropClassifier one = classifier().setAlternativeKlScale(0);
    assertEquals(0.5, new BayesByBackpropClassifier().getAlternativeKlScale(), "the classifier's default");
    assertSameFit(one.copy(new ParamMap()).setCalibrationFraction(0).fit(data),
        one.copy(new ParamMap()).setCalibrationFraction(0).setAlternativeKlScale(0.5).fit(data));
    assertSameFit(one.fit(data), one.copy(new ParamMap()).setAlternativeKlScale(1.0).fit(data));
    data.unpersist();
  }

  private static void assertSameFit(BayesByBackpropClassificationModel expected,
                                    BayesByBackpropClassificationModel actual) {
    assertArrayEquals(expected.theta(), actual.theta(), 0.0);
    assertEquals(expected.getKlScale(), actual.getKlScale());
    assertNull(actual.fitted().details.summary.get(KlScaleChoice.NOTE));
  }

  /** Each of {@code rows}' log p-bar(label), in order, under the model's network without its temperature. */
  private static double[] heldOutLogLikelihoods(BayesByBackpropClassifier estimator,
                                                BayesByBackpropClassificationModel model, Dataset<Row> rows) {
    BayesByBackpropClassificationModel raw = new BayesByBackpropClassificationModel("raw",
        model.fitted().calibrated(TemperatureScaling.NONE, null));
    estimator.copyValues(raw, ParamMap.empty());
    List<Row> scored = raw.transform(rows).select("label", "rawPrediction").collectAsList();
    double[] logLikelihoods = new double[scored.size()];
    for (int i = 0; i < logLikelihoods.length; i++) {
      Row r = scored.get(i);
      logLikelihoods[i] = ((Vector) r.get(1)).apply((int) r.getDouble(0));
    }
    return logLikelihoods;
  }
}
