package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkbnn.LocalCluster;
import org.sparkbnn.SyntheticData;
import org.sparkbnn.ml.BayesByBackpropRegressionModel;
import org.sparkbnn.ml.BayesByBackpropRegressor;

/**
 * The data-parallel trainer on real executor JVMs (local-cluster: 2 workers with one core each). A step's
 * gradient is a pure function of the parameters, the cached blocks and the step's seed, so the cluster must
 * reproduce local mode bit for bit, and a task retried after its executor was killed must reproduce its
 * result: the model is the same as an undisturbed run's.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class DistributedTrainingIT {
  private static double[] localTheta;
  /** Local mode's model of the same rows in five partitions. */
  private static double[] localThetaOfFive;
  private static List<Row> localScores;
  private static SparkSession cluster;

  /** 600 rows of y = sin(3x) + noise in exactly two partitions, split the same way on any master. */
  static Dataset<Row> data(SparkSession spark) {
    return data(spark, 2);
  }

  private static Dataset<Row> data(SparkSession spark, int partitions) {
    SplittableRandom rng = new SplittableRandom(21);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      double x = rng.nextDouble(-1, 1);
      rows.add(RowFactory.create(Vectors.dense(x), Math.sin(3 * x) + 0.1 * rng.nextGaussian()));
    }
    return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows,
        partitions), SyntheticData.SCHEMA);
  }

  /**
   * One network and one noise model: what is tested here is the distributed loop, which every ensemble member and
   * likelihood=auto's every candidate runs alike (and the executor-kill test times its kill by one fit's progress).
   */
  static BayesByBackpropRegressor regressor(int epochs, String syncMode) {
    return new BayesByBackpropRegressor().setLengthDoublings(0).setLikelihood("homoscedastic")
        .setHiddenLayers(16).setBatchSize(30).setMaxEpochs(epochs)
        .setEnsembleSize(1).setPredictSamples(20).setEpistemicVarianceCol("epistemic").setSyncMode(syncMode);
  }

  private static List<Row> scores(BayesByBackpropRegressionModel model, Dataset<Row> data) {
    return model.transform(data.withColumn("id", functions.monotonically_increasing_id())).orderBy("id")
        .select("prediction", "variance", "epistemic").collectAsList();
  }

  @BeforeAll
  static void localReferenceThenCluster() {
    SparkSession local = LocalCluster.startLocal();
    try {
      BayesByBackpropRegressionModel model = regressor(3, "sparkJob").fit(data(local));
      localTheta = modelTheta(model);
      localScores = scores(model, data(local));
      localThetaOfFive = modelTheta(regressor(3, "sparkJob").fit(data(local, 5)));
    } finally {
      LocalCluster.stop(local);
    }
    cluster = LocalCluster.start("local-cluster[2,1,1536]", Map.of());
  }

  @AfterAll
  static void stopCluster() {
    LocalCluster.stop(cluster);
  }

  /** Local mode's model (one job per step) again on two executor JVMs, in both sync modes. */
  @Test
  void twoExecutorsTrainTheSameModelAsLocalModeInBothSyncModes() {
    LocalCluster.awaitExecutors(cluster, 2);
    assertEquals(2, LocalCluster.executorProcesses(cluster).size(), "two executor JVMs");
    for (String syncMode : new String[] {"sparkJob", "collective"}) {
      BayesByBackpropRegressionModel model = regressor(3, syncMode).fit(data(cluster));
      assertArrayEquals(localTheta, modelTheta(model), 0.0, syncMode);
      assertEquals(localScores, scores(model, data(cluster)), "transform gives identical outputs");
    }
  }

  /**
   * Five partitions on the two executors' two task slots: the packed rows are shuffled between the executors into
   * two tasks of two and three partitions, which all-reduce over TCP every partition's gradient in partition order:
   * local mode's model of the five partitions, bit for bit.
   */
  @Test
  void morePartitionsThanTaskSlotsTrainCollectiveAcrossExecutorsToLocalModesModel() {
    LocalCluster.awaitExecutors(cluster, 2);
    assertArrayEquals(localThetaOfFive, modelTheta(regressor(3, "collective").fit(data(cluster, 5))), 0.0);
  }

  /**
   * Collective mode: an executor killed mid-fit fails the barrier stage; Spark reruns it whole (it is a
   * ShuffleMapStage), the tasks fetch the last state from the driver's tracker, and the model is the same as an
   * undisturbed run's. The disturbed run has rank 0 send its state after every step (the interval is 0), so the
   * state the rerun starts from is almost surely one from inside an epoch (19 of an epoch's 20 steps send one).
   * The kill waits until the first checkpoint (epoch 2) is written, so the rerun really starts from a state the
   * driver held, not from the beginning. Five partitions on the two slots: the killed executor also held shuffle
   * output of the blocks' regrouping, which Spark recomputes before it reruns the barrier stage.
   */
  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {2, 5})
  void killingAnExecutorMidCollectiveFitLeavesTheModelUnchanged(int partitions, @org.junit.jupiter.api.io.TempDir
                                                                   java.nio.file.Path dir) throws Exception {
    LocalCluster.awaitExecutors(cluster, 2);
    double[] undisturbed = modelTheta(regressor(60, "collective").fit(data(cluster, partitions)));
    java.nio.file.Path checkpoint = dir.resolve("bnn-checkpoint");
    AtomicInteger removed = new AtomicInteger();
    cluster.sparkContext().addSparkListener(new SparkListener() {
      @Override public void onExecutorRemoved(SparkListenerExecutorRemoved e) { removed.incrementAndGet(); }
    });
    System.setProperty(CollectiveTraining.STATE_INTERVAL_PROPERTY, "0");
    CompletableFuture<double[]> disturbed = CompletableFuture.supplyAsync(() -> modelTheta(
        regressor(60, "collective").setCheckpointDir(dir.toString()).setCheckpointInterval(2)
            .fit(data(cluster, partitions))));
    while (!java.nio.file.Files.exists(checkpoint) && !disturbed.isDone()) Thread.sleep(5);
    assertFalse(disturbed.isDone(), "training finished before the executor could be killed");
    List<ProcessHandle> executors = LocalCluster.executorProcesses(cluster);
    assertEquals(2, executors.size());
    assertTrue(executors.get(0).destroyForcibly(), "kill executor pid " + executors.get(0).pid());
    double[] theta;
    try {
      theta = disturbed.get(10, TimeUnit.MINUTES);
    } finally {
      System.clearProperty(CollectiveTraining.STATE_INTERVAL_PROPERTY);
    }
    assertTrue(removed.get() >= 1, "Spark saw the executor go");
    assertArrayEquals(undisturbed, theta, 0.0);
  }

  @Test
  void killingAnExecutorMidTrainingLeavesTheModelUnchanged() throws Exception {
    LocalCluster.awaitExecutors(cluster, 2);
    double[] undisturbed = modelTheta(regressor(8, "sparkJob").fit(data(cluster)));

    AtomicInteger jobs = new AtomicInteger();
    AtomicInteger removed = new AtomicInteger();
    cluster.sparkContext().addSparkListener(new SparkListener() {
      @Override public void onJobEnd(SparkListenerJobEnd jobEnd) { jobs.incrementAndGet(); }
      @Override public void onExecutorRemoved(SparkListenerExecutorRemoved e) { removed.incrementAndGet(); }
    });
    CompletableFuture<double[]> disturbed =
        CompletableFuture.supplyAsync(() -> modelTheta(regressor(8, "sparkJob").fit(data(cluster))));
    // 20 steps per epoch: kill after about two epochs, while the cached blocks are in use.
    while (jobs.get() < 45 && !disturbed.isDone()) Thread.sleep(20);
    assertFalse(disturbed.isDone(), "training finished before the executor could be killed");
    List<ProcessHandle> executors = LocalCluster.executorProcesses(cluster);
    assertEquals(2, executors.size());
    ProcessHandle victim = executors.get(0);
    assertTrue(victim.destroyForcibly(), "kill executor pid " + victim.pid());
    double[] theta = disturbed.get(10, TimeUnit.MINUTES);
    assertTrue(removed.get() >= 1, "Spark saw the executor go (and with it a cached training block)");
    assertArrayEquals(undisturbed, theta, 0.0);
  }

  private static double[] modelTheta(BayesByBackpropRegressionModel model) {
    return model.theta();
  }
}
