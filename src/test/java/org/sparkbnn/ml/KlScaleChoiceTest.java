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
    return new BayesByBackpropClassifier().setLengthDoublings(0).setHiddenLayers(8).setMaxEpochs(20).setBatchSize(64)
        .setCalibrationFraction(0.25);
  }

  /**
   * With rows held out, the model is one of the two single-beta fits bit for bit (each candidate is a fit of its
   * own over the same rows), the one whose predictive gives the held-out labels the higher mean log-probability,
   * and its klScale is that fit's beta. The report's two scores are those means, recomputed here from each fit's
   * own predictive before its temperature (the temperature is fitted after the choice, on the kept fit), to the
   * report's four decimals: the scoring is exact and partition-independent, so only the rounding (5e-5) separates
   * them. Beta 0.1 against 1 on 400 rows of three blobs: measured, the two scores differ by 0.004 nats a row, eighty
   * times that rounding, so a swapped rule or a wrong score would show.
   */
  @Test
  void theHeldOutRowsKeepTheFitWhoseKlScaleTheyScoreHigher() {
    Dataset<Row> data = SyntheticData.blobs(SparkTestSession.get(), 400, 11, 2).cache();
    BayesByBackpropClassifier both = classifier().setAlternativeKlScale(0.1);
    assertEquals(1.0, both.getKlScale());
    BayesByBackpropClassificationModel chosen = both.fit(data);
    BayesByBackpropClassificationModel atOne = both.copy(new ParamMap()).setAlternativeKlScale(0).fit(data);
    BayesByBackpropClassificationModel atTenth =
        both.copy(new ParamMap()).setKlScale(0.1).setAlternativeKlScale(0).fit(data);
    String note = chosen.fitted().details.summary.get(KlScaleChoice.NOTE);
    Matcher m = Pattern.compile("(\\S+) \\(held-out log-likelihood per row: klScale 1\\.0 (-?[0-9.]+),"
        + " 0\\.1 (-?[0-9.]+)\\)").matcher(String.valueOf(note));
    assertTrue(m.matches(), note);
    double scoreAtOne = Double.parseDouble(m.group(2));
    double scoreAtTenth = Double.parseDouble(m.group(3));
    Dataset<Row> heldOut = data.where(HeldOutCalibration.hashedOut(FitSettings.of(both)));
    assertEquals(heldOutLogLikelihood(both, atOne, heldOut), scoreAtOne, 5e-5 + 1e-12);
    assertEquals(heldOutLogLikelihood(both, atTenth, heldOut), scoreAtTenth, 5e-5 + 1e-12);

    double kept = scoreAtTenth > scoreAtOne ? 0.1 : 1.0;
    assertEquals(kept, Double.parseDouble(m.group(1)), note);
    assertEquals(kept, chosen.getKlScale());
    assertArrayEquals((kept == 1.0 ? atOne : atTenth).theta(), chosen.theta(), 0.0);
    assertTrue(Math.abs(scoreAtTenth - scoreAtOne) > 1e-3, "the two fits score alike: " + note);
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

  /** Mean over {@code rows} of log p-bar(label) under the model's network without its temperature. */
  private static double heldOutLogLikelihood(BayesByBackpropClassifier estimator,
                                             BayesByBackpropClassificationModel model, Dataset<Row> rows) {
    BayesByBackpropClassificationModel raw = new BayesByBackpropClassificationModel("raw",
        model.fitted().calibrated(TemperatureScaling.NONE, null));
    estimator.copyValues(raw, ParamMap.empty());
    List<Row> scored = raw.transform(rows).select("label", "rawPrediction").collectAsList();
    double sum = 0;
    for (Row r : scored) sum += ((Vector) r.get(1)).apply((int) r.getDouble(0));
    return sum / scored.size();
  }
}
