package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/** The classifier's refitOnAllRows: the held-out rows' choices trained again on every row. */
class RefitOnAllRowsTest {
  private static BayesByBackpropClassifier classifier() {
    return new BayesByBackpropClassifier().setLengthDoublings(1).setHiddenLayers(8).setMaxEpochs(10).setBatchSize(64)
        .setCalibrationFraction(0.25);
  }

  /**
   * The refit model is, bit for bit, a fit of all rows (nothing held out) with the beta and the number of epochs that
   * the held-out rows chose for the model without the refit (alternativeKlScale, lengthDoublings), and it carries
   * that model's temperature and its notes on the choices. Each fit is a pure function of its settings and rows, so
   * any other beta, length or row set would change the parameters.
   */
  @Test
  void theRefitIsAFitOfAllRowsWithTheHeldOutRowsChoices() {
    Dataset<Row> data = SyntheticData.blobs(SparkTestSession.get(), 400, 13, 2).cache();
    BayesByBackpropClassifier estimator = classifier();
    assertTrue(estimator.getRefitOnAllRows(), "the classifier's default");
    BayesByBackpropClassificationModel judged = estimator.copy(new ParamMap()).setRefitOnAllRows(false).fit(data);
    BayesByBackpropClassificationModel refit = estimator.fit(data);
    int epochs = judged.fitted().history.size();
    BayesByBackpropClassificationModel onAllRows = estimator.copy(new ParamMap()).setCalibrationFraction(0)
        .setKlScale(judged.getKlScale()).setMaxEpochs(epochs).setLengthDoublings(0).fit(data);

    assertArrayEquals(onAllRows.theta(), refit.theta(), 0.0);
    assertNotEquals(judged.theta()[0], refit.theta()[0], "the refit trained on more rows");
    assertEquals(epochs, refit.fitted().history.size());
    assertEquals(judged.getKlScale(), refit.getKlScale());
    assertEquals(judged.fitted().temperature.temperature(), refit.fitted().temperature.temperature(), 0.0);
    assertTrue(judged.fitted().temperature.isCalibrated());
    assertEquals(judged.fitted().details.summary.get(KlScaleChoice.NOTE),
        refit.fitted().details.summary.get(KlScaleChoice.NOTE));
    assertNotNull(refit.fitted().details.summary.get(KlScaleChoice.NOTE));
    assertEquals(onAllRows.fitted().details.summary.get("training rows"),
        refit.fitted().details.summary.get("training rows"));
    assertTrue(refit.fitted().details.summary.get("refit").contains(epochs + " epochs"),
        refit.fitted().details.summary.toString());
    data.unpersist();
  }

  /** Without held-out rows there is nothing chosen to refit with: the one fit, with neither temperature nor note. */
  @Test
  void withoutHeldOutRowsThereIsNoRefit() {
    Dataset<Row> data = SyntheticData.blobs(SparkTestSession.get(), 200, 14, 2).cache();
    BayesByBackpropClassifier estimator = classifier().setCalibrationFraction(0);
    BayesByBackpropClassificationModel refit = estimator.fit(data);
    BayesByBackpropClassificationModel plain = estimator.copy(new ParamMap()).setRefitOnAllRows(false).fit(data);
    assertArrayEquals(plain.theta(), refit.theta(), 0.0);
    assertEquals(10, refit.fitted().history.size());
    assertNull(refit.fitted().details.summary.get("refit"));
    assertFalse(refit.fitted().temperature.isCalibrated());
    data.unpersist();
  }
}
