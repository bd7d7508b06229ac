package org.sparkbnn.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;
import org.sparkbnn.bayes.EnsembleSamples;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.train.TrainingDivergedException;

/** ensembleSize: K posteriors, each a fit of its own, scored as their equal mixture. */
class EnsembleTest {
  private static final int K = 3;
  private static SparkSession spark;
  private static Dataset<Row> train;
  private static Dataset<Row> test;
  @TempDir Path dir;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    train = SyntheticData.sine(spark, 300, 0.1, 3, 2).cache();
    test = SyntheticData.sine(spark, 40, 0.1, 9, 1).cache();
  }

  /** One noise model (likelihood=auto would fit two, each checkpointing in its own subdirectory). */
  private static BayesByBackpropRegressor regressor(int members) {
    return new BayesByBackpropRegressor().setLengthDoublings(0).setLikelihood("homoscedastic")
        .setHiddenLayers(8).setBatchSize(32).setMaxEpochs(5).setSeed(11)
        .setEnsembleSize(members).setEpistemicVarianceCol("epi").setAleatoricVarianceCol("alea");
  }

  @Test
  void theFirstMemberIsTheFitOfOneNetworkAndTheOthersDiffer() {
    BayesByBackpropRegressionModel one = regressor(1).fit(train);
    BayesByBackpropRegressionModel ensemble = regressor(K).fit(train);
    double[] theta = ensemble.theta();
    int n = one.theta().length;
    assertEquals(K * n, theta.length);
    assertArrayEquals(one.theta(), Arrays.copyOfRange(theta, 0, n), 0.0, "member 0 is the fit of one network");
    for (int k = 1; k < K; k++) {
      assertFalse(Arrays.equals(one.theta(), Arrays.copyOfRange(theta, k * n, (k + 1) * n)),
          "member " + k + " equals member 0");
    }
    assertArrayEquals(theta, regressor(K).fit(train).theta(), 0.0, "the same seed gives the same ensemble");
  }

  /**
   * On local[2] the members of a one-partition fit train two at a time ({@code SyncMode.fitsAtOnce}); no member's
   * result may change: the ensemble equals the one trained member after member (sparkJob mode, whose model equals
   * the collective's bit for bit by design).
   */
  @Test
  void membersTrainedAtOnceGiveTheEnsembleTrainedOneAfterAnother() {
    Dataset<Row> onePartition = train.repartition(1).cache();
    double[] atOnce = regressor(K).fit(onePartition).theta();
    assertArrayEquals(regressor(K).setSyncMode("sparkJob").fit(onePartition).theta(), atOnce, 0.0);
    // A member that fails fails the fit with its own error, and no member's thread outlives the fit.
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> regressor(K).setLearningRate(1e8).fit(onePartition));
    assertTrue(e.getMessage().contains("epoch") && e.getMessage().contains("step"), e.getMessage());
    assertFalse(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("spark-bnn-ensemble-member") && t.isAlive()), "a member's thread is left");
    onePartition.unpersist();
  }

  /**
   * The mixture's moments from its members': with T = K m samples, member k gets m of them, drawn with its own
   * seed, so the ensemble's mean is (1/K) sum_k mean_k of the members scored alone with m samples, its aleatoric
   * variance the mean of theirs, and its epistemic variance (1/K) sum_k (epi_k + mean_k^2) - mean^2 (the law of
   * total variance over the members). Only the order of the float64 sums differs: 1e-9 relative.
   */
  @Test
  void thePredictiveIsTheEqualMixtureOfTheMembers() {
    int m = 4;
    BayesByBackpropRegressionModel ensemble = regressor(K).setPredictSamples(K * m).fit(train);
    List<Row> mixed = ensemble.transform(test).orderBy(col("label")).collectAsList();
    double[][] perMember = new double[mixed.size()][3];
    for (int k = 0; k < K; k++) {
      BayesByBackpropRegressionModel member = new BayesByBackpropRegressionModel("member" + k,
          ensemble.fitted().member(k));
      member.setSeed(EnsembleSamples.memberSeed(ensemble.getSeed(), k)).setPredictSamples(m)
          .setEpistemicVarianceCol("epi").setAleatoricVarianceCol("alea");
      List<Row> rows = member.transform(test).orderBy(col("label")).collectAsList();
      for (int i = 0; i < rows.size(); i++) {
        double mean = rows.get(i).getDouble(rows.get(i).fieldIndex("prediction"));
        perMember[i][0] += mean / K;
        perMember[i][1] += (rows.get(i).getDouble(rows.get(i).fieldIndex("epi")) + mean * mean) / K;
        perMember[i][2] += rows.get(i).getDouble(rows.get(i).fieldIndex("alea")) / K;
      }
    }
    for (int i = 0; i < mixed.size(); i++) {
      Row r = mixed.get(i);
      double mean = r.getDouble(r.fieldIndex("prediction"));
      assertEquals(perMember[i][0], mean, 1e-9 * Math.max(1, Math.abs(mean)), "mean of row " + i);
      double epi = perMember[i][1] - perMember[i][0] * perMember[i][0];
      assertEquals(epi, r.getDouble(r.fieldIndex("epi")), 1e-9 * Math.max(1, perMember[i][1]),
          "epistemic, row " + i);
      assertEquals(perMember[i][2], r.getDouble(r.fieldIndex("alea")), 1e-9 * perMember[i][2],
          "aleatoric, row " + i);
    }
    assertEquals(perMember[0][2], ensemble.noiseVariance(), 1e-6 * perMember[0][2],
        "noiseVariance: the members' mean");
  }

  @Test
  void anEnsembleSavesLoadsCheckpointsAndContinuesOnlyAnEnsembleOfItsSize() throws Exception {
    String checkpoints = dir.resolve("checkpoints").toString();
    BayesByBackpropRegressor checkpointed = regressor(K).setCheckpointDir(checkpoints).setCheckpointInterval(1);
    BayesByBackpropRegressionModel ensemble = checkpointed.fit(train);
    for (int k = 0; k < K; k++) {
      assertTrue(Files.isDirectory(dir.resolve("checkpoints/member-" + k)), "no checkpoints of member " + k);
    }
    // Every member finds its own finished state: the same ensemble, without training again.
    assertArrayEquals(ensemble.theta(), checkpointed.fit(train).theta(), 0.0);

    String path = dir.resolve("model").toString();
    ensemble.write().save(path);
    BayesByBackpropRegressionModel loaded = BayesByBackpropRegressionModel.load(path);
    assertEquals(K, loaded.fitted().spec.members);
    assertArrayEquals(ensemble.theta(), loaded.theta(), 0.0);
    List<Row> before = ensemble.transform(test).orderBy(col("label")).collectAsList();
    List<Row> after = loaded.transform(test).orderBy(col("label")).collectAsList();
    assertEquals(before, after);

    BadInputException refused = assertThrows(BadInputException.class,
        () -> regressor(K + 1).setInitialModel(ensemble).fit(train));
    assertTrue(refused.getMessage().contains("ensembleSize " + K + " vs " + (K + 1)), refused.getMessage());
    // A single network is every member's start.
    BayesByBackpropRegressionModel one = regressor(1).fit(train);
    assertEquals(K * one.theta().length, regressor(K).setInitialModel(one).fit(train).theta().length);
  }
}
