package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;
import org.sparkbnn.train.EpochSummary;

/** syncMode=collective on local[2]: the same model as sparkJob mode, bit for bit, and faults that fail fast. */
class CollectiveTrainingTest {
  private static Dataset<Row> data;
  @TempDir Path dir;

  @BeforeAll
  static void data() {
    data = SyntheticData.sine(SparkTestSession.get(), 400, 0.1, 11, 2).cache();
  }

  private static BayesByBackpropRegressor regressor(String syncMode, int epochs) {
    return new BayesByBackpropRegressor().setLengthDoublings(0)
        .setHiddenLayers(16, 16).setBatchSize(64).setMaxEpochs(epochs)
        .setSyncMode(syncMode);
  }

  @Test
  void collectiveAndSparkJobModesGiveTheSameModelForBothEstimators() {
    for (String estimator : new String[] {"localReparameterization", "reparameterization"}) {
      // Layers of 40: 1,761 weights, seven blocks of the KL term, three and four for the two tasks.
      BayesByBackpropRegressionModel viaJobs =
          regressor("sparkJob", 3).setHiddenLayers(40, 40).setEstimator(estimator).fit(data);
      BayesByBackpropRegressionModel collective =
          regressor("collective", 3).setHiddenLayers(40, 40).setEstimator(estimator).fit(data);
      assertArrayEquals(viaJobs.theta(), collective.theta(), 0.0, estimator);
      assertEquals(3, collective.trainingHistory().size());
      // The history too: the collective tasks share the KL term out, each a run of its blocks (KlTerm).
      for (int e = 0; e < 3; e++) {
        EpochSummary jobs = viaJobs.trainingHistory().get(e);
        EpochSummary tasks = collective.trainingHistory().get(e);
        assertEquals(jobs.kl(), tasks.kl(), 0.0, estimator + ", epoch " + (e + 1));
        assertEquals(jobs.negativeElbo(), tasks.negativeElbo(), 0.0, estimator + ", epoch " + (e + 1));
      }
    }
    Dataset<Row> blobs = SyntheticData.blobs(SparkTestSession.get(), 300, 4, 2).cache();
    BayesByBackpropClassifier classifier = new BayesByBackpropClassifier().setLengthDoublings(0)
        .setHiddenLayers(8).setMaxEpochs(2);
    assertArrayEquals(classifier.copy(new ParamMap()).setSyncMode("sparkJob").fit(blobs).theta(),
        classifier.copy(new ParamMap()).setSyncMode("collective").fit(blobs).theta(), 0.0, "classifier");
  }

  /**
   * On local[2] both tasks run in this JVM, so their rounds go through memory; forced onto the TCP mesh (as tasks
   * of separate executors exchange) the fit gives the same model, bit for bit.
   */
  @Test
  void theTasksOfOneJvmExchangeThroughMemoryOrTcpToTheSameModel() {
    BayesByBackpropRegressionModel memory = regressor("collective", 3).fit(data);
    System.setProperty("spark-bnn.collective.transport", "tcp");
    try {
      assertArrayEquals(memory.theta(), regressor("collective", 3).fit(data).theta(), 0.0);
    } finally {
      System.clearProperty("spark-bnn.collective.transport");
    }
  }

  /**
   * The last epoch's state reaches the checkpoint before the fit returns: rank 0 waits for the driver to confirm
   * it. (Before, the fit's job could end with that state still in flight, and the tracker closed unread; a rerun
   * then trained the last epoch again.) A repeated fit must find every epoch in the checkpoint: the same history,
   * down to the measured speed of each epoch. Three fits, since the lost state was a race.
   */
  @Test
  void theLastEpochIsCheckpointedBeforeTheFitReturns() {
    for (int attempt = 0; attempt < 3; attempt++) {
      String checkpoints = dir.resolve("last-epoch-" + attempt).toString();
      BayesByBackpropRegressionModel first = regressor("collective", 3).setCheckpointDir(checkpoints)
          .setCheckpointInterval(1).fit(data);
      BayesByBackpropRegressionModel again = regressor("collective", 3).setCheckpointDir(checkpoints).fit(data);
      assertArrayEquals(first.theta(), again.theta(), 0.0);
      for (int e = 0; e < 3; e++) {
        assertEquals(first.trainingHistory().get(e).rowsPerSecond(), again.trainingHistory().get(e).rowsPerSecond(),
            "epoch " + (e + 1) + " was trained again instead of read from the checkpoint");
      }
    }
  }

  /**
   * Five partitions on local[2]'s two task slots: a barrier stage cannot run a task per partition, so the packed
   * rows are shuffled once into two tasks of two and three partitions, each computing its partitions' gradients one
   * after another; the all-reduce adds all five in partition order, so the model is sparkJob mode's, bit for bit.
   * Input coalesced from more partitions, whose lineage Spark refuses in a barrier stage, goes the same way, and so
   * does data whose rows are all in one partition of six.
   */
  @Test
  void morePartitionsThanTaskSlotsTrainCollectiveToTheSameModel() {
    Dataset<Row> five = SyntheticData.sine(SparkTestSession.get(), 300, 0.1, 12, 5).cache();
    Dataset<Row> coalesced = SyntheticData.sine(SparkTestSession.get(), 200, 0.1, 12, 4).coalesce(2);
    // Six partitions, all rows in one of them (hashed by a constant), five without rows.
    Dataset<Row> skewed = SyntheticData.sine(SparkTestSession.get(), 200, 0.1, 13, 1)
        .repartition(6, org.apache.spark.sql.functions.lit(1));
    for (Dataset<Row> input : java.util.List.of(five, coalesced, skewed)) {
      double[] perStep = regressor("sparkJob", 2).fit(input).theta();
      BayesByBackpropRegressionModel auto = regressor("auto", 2).fit(input);
      String how = auto.fitted().details.summary.get("synchronisation");
      assertTrue(how.contains("barrier stage of 2 tasks") && how.contains("shuffled once into the tasks"), how);
      assertArrayEquals(perStep, auto.theta(), 0.0, how);
    }
    double[] perStep = regressor("sparkJob", 2).fit(five).theta();
    // Blocks of 20 rows (8 bytes a row), three per partition: the shuffle keeps them in order.
    assertArrayEquals(perStep, regressor("auto", 2).setMaxBlockSizeInMB(20 * 8 / 1048576.0).fit(five).theta(), 0.0);
    assertArrayEquals(regressor("sparkJob", 2).setEstimator("reparameterization").fit(five).theta(),
        regressor("collective", 2).setEstimator("reparameterization").fit(five).theta(), 0.0);
  }

  /** A notebook's or scheduler's job description survives a fit, in either mode. */
  @Test
  void theCallersJobDescriptionComesBackAfterAFit() {
    org.apache.spark.SparkContext sc = SparkTestSession.get().sparkContext();
    sc.setJobDescription("nightly price model");
    try {
      for (String syncMode : new String[] {"sparkJob", "collective"}) {
        regressor(syncMode, 1).fit(data);
        assertEquals("nightly price model", sc.getLocalProperty("spark.job.description"), syncMode);
      }
    } finally {
      sc.setJobDescription(null);
    }
  }

  /**
   * About 200 rows per partition in blocks of at most 65 rows (8 bytes a row): four blocks per partition, read as
   * one sequence of rows, give the model of one block per partition, in both modes.
   */
  @Test
  void theBlockSizeDoesNotChangeTheModel() {
    double[] oneBlock = regressor("sparkJob", 2).fit(data).theta();
    for (String syncMode : new String[] {"sparkJob", "collective"}) {
      assertArrayEquals(oneBlock, regressor(syncMode, 2).setMaxBlockSizeInMB(65 * 8 / 1048576.0).fit(data).theta(),
          0.0, syncMode);
    }
  }

  @Test
  void aCollectiveFitResumesFromACheckpointAsAnUninterruptedOne() {
    String checkpoints = dir.resolve("checkpoints").toString();
    BayesByBackpropRegressionModel straight = regressor("sparkJob", 4).fit(data);
    regressor("collective", 2).setCheckpointDir(checkpoints).setCheckpointInterval(1).fit(data);
    BayesByBackpropRegressionModel continued = regressor("collective", 4).setCheckpointDir(checkpoints).fit(data);
    assertArrayEquals(straight.theta(), continued.theta(), 0.0);
    assertEquals(4, continued.trainingHistory().size());
  }

  /**
   * Partition 1 stops answering at step 3: partition 0 waits collectiveTimeout (2 s), then the fit fails naming
   * the silent partition and the step, well before Spark's own barrier retries (minutes) would give up.
   */
  @Test
  void aStalledTaskFailsTheFitWithinTheTimeoutNamingPartitionAndStep() {
    System.setProperty("spark-bnn.test.stall", "1:3");
    long start = System.nanoTime();
    double seconds;
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> regressor("collective", 3).setCollectiveTimeout(2).fit(data));
      seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(e.getMessage().contains("partition(s) [1]") && e.getMessage().contains("step 3"), e.getMessage());
      // Five partitions in two tasks: the message says which of the data's partitions the silent task computes.
      Dataset<Row> five = SyntheticData.sine(SparkTestSession.get(), 300, 0.1, 12, 5);
      IllegalStateException grouped = assertThrows(IllegalStateException.class,
          () -> regressor("collective", 3).setCollectiveTimeout(2).fit(five));
      assertTrue(grouped.getMessage().contains("partition(s) [1]")
          && grouped.getMessage().contains("the stage's 2 tasks: 0 computes partitions 0-2, 1 partitions 3-4"),
          grouped.getMessage());
    } finally {
      System.clearProperty("spark-bnn.test.stall");
    }
    assertTrue(seconds < 30, "failed after " + seconds + " s");
    // Nothing left behind: the tracker's threads end with the fit, and the stalled task was interrupted.
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("spark-bnn-tracker")),
        "tracker thread left running");
    assertEquals(0, SparkTestSession.get().sparkContext().statusTracker().getActiveJobIds().length);
    // The session is usable afterwards.
    assertEquals(3, regressor("collective", 1).fit(data).trainingHistory().size() + 2);
  }
}
