package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;
import org.sparkbnn.input.BadInputException;

/** checkpointDir on the estimators: a fit continued from a checkpoint equals one that ran straight through. */
class CheckpointResumeTest {
  @TempDir Path dir;

  /**
   * One noise model: likelihood=auto may keep another candidate after 2 epochs than after 4 (and the history is the
   * kept candidate's); its candidates' checkpoints are LikelihoodChoiceTest's.
   */
  private static BayesByBackpropRegressor regressor(int epochs) {
    return new BayesByBackpropRegressor().setLengthDoublings(0).setLikelihood("homoscedastic")
        .setHiddenLayers(8).setBatchSize(32).setMaxEpochs(epochs);
  }

  @Test
  void continuingFromACheckpointEqualsTrainingStraightThrough() {
    Dataset<Row> data = SyntheticData.sine(SparkTestSession.get(), 200, 0.1, 3, 2).cache();
    String checkpoints = dir.resolve("checkpoints").toString();
    BayesByBackpropRegressionModel straight = regressor(4).fit(data);
    BayesByBackpropRegressionModel firstHalf = regressor(2).setCheckpointDir(checkpoints).setCheckpointInterval(1)
        .fit(data);
    assertEquals(2, firstHalf.trainingHistory().size());
    // The same configuration spelled differently ("RELU") is the same fit: it resumes.
    BayesByBackpropRegressionModel continued = regressor(4).setActivation("RELU").setCheckpointDir(checkpoints)
        .fit(data);
    assertEquals(4, continued.trainingHistory().size());
    assertArrayEquals(straight.theta(), continued.theta(), 0.0);
    // Epochs 1-2 came from the checkpoint, not from training again: even their measured speed is the saved one.
    assertEquals(firstHalf.trainingHistory().get(1).rowsPerSecond(),
        continued.trainingHistory().get(1).rowsPerSecond());

    // The checkpoint holds 2 epochs (the 4-epoch fit saves every 10): a 1-epoch fit must not return 2.
    BadInputException shorter = assertThrows(BadInputException.class,
        () -> regressor(1).setCheckpointDir(checkpoints).fit(data));
    assertTrue(shorter.getMessage().contains("2 completed epochs") && shorter.getMessage().contains("maxEpochs=1"),
        shorter.getMessage());

    BadInputException otherShape = assertThrows(BadInputException.class,
        () -> regressor(4).setHiddenLayers(16).setCheckpointDir(checkpoints).fit(data));
    assertTrue(otherShape.getMessage().contains("hiddenLayers was [8], now [16]"), otherShape.getMessage());
    BadInputException otherData = assertThrows(BadInputException.class,
        () -> regressor(4).setCheckpointDir(checkpoints)
            .fit(SyntheticData.sine(SparkTestSession.get(), 150, 0.1, 4, 2)));
    assertTrue(otherData.getMessage().contains("rowsPerPartition") && otherData.getMessage().contains("dataMoments"),
        otherData.getMessage());
  }

  @Test
  void theClassifierResumesToo() {
    Dataset<Row> data = SyntheticData.blobs(SparkTestSession.get(), 300, 3, 2).cache();
    String checkpoints = dir.resolve("classifier").toString();
    BayesByBackpropClassifier classifier = new BayesByBackpropClassifier().setLengthDoublings(0)
        .setHiddenLayers(8).setBatchSize(32);
    BayesByBackpropClassificationModel straight = classifier.copy(new org.apache.spark.ml.param.ParamMap())
        .setMaxEpochs(3).fit(data);
    BayesByBackpropClassificationModel first = classifier.copy(new org.apache.spark.ml.param.ParamMap())
        .setMaxEpochs(1).setCheckpointDir(checkpoints).setCheckpointInterval(1).fit(data);
    BayesByBackpropClassificationModel continued = classifier.copy(new org.apache.spark.ml.param.ParamMap())
        .setMaxEpochs(3).setCheckpointDir(checkpoints).fit(data);
    assertArrayEquals(straight.theta(), continued.theta(), 0.0);
    assertEquals(first.trainingHistory().get(0).rowsPerSecond(), continued.trainingHistory().get(0).rowsPerSecond());
  }
}
