package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkbnn.LocalCluster;
import org.sparkbnn.input.BadInputException;

/**
 * A cluster with dynamic allocation on (two executor JVMs, shuffle tracking instead of an external shuffle service),
 * where Spark refuses barrier stages: syncMode=auto falls back to one job per step and trains local mode's model;
 * syncMode=collective fails before training with an error that names dynamic allocation.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DynamicAllocationIT {

  @Test
  void autoFallsBackToOneJobPerStepAndCollectiveIsRefused() {
    double[] local;
    SparkSession localSpark = LocalCluster.startLocal();
    try {
      local = DistributedTrainingIT.regressor(3, "sparkJob").fit(DistributedTrainingIT.data(localSpark)).theta();
    } finally {
      LocalCluster.stop(localSpark);
    }
    SparkSession cluster = LocalCluster.start("local-cluster[2,1,1536]", Map.of(
        "spark.dynamicAllocation.enabled", "true",
        "spark.dynamicAllocation.shuffleTracking.enabled", "true",
        "spark.dynamicAllocation.minExecutors", "2",
        "spark.dynamicAllocation.initialExecutors", "2"));
    try {
      AtomicInteger jobs = new AtomicInteger();
      cluster.sparkContext().addSparkListener(new SparkListener() {
        @Override public void onJobEnd(SparkListenerJobEnd jobEnd) { jobs.incrementAndGet(); }
      });
      // 600 rows, batch 30, 3 epochs: 60 steps, so one job per step means at least 60 jobs; a collective fit
      // runs a handful (packing, counting, the barrier stage).
      double[] theta = DistributedTrainingIT.regressor(3, "auto").fit(DistributedTrainingIT.data(cluster)).theta();
      assertArrayEquals(local, theta, 0.0, "the fallback trains local mode's model");
      assertTrue(jobs.get() >= 60, "one job per step: " + jobs.get() + " jobs");

      BadInputException refused = assertThrows(BadInputException.class,
          () -> DistributedTrainingIT.regressor(3, "collective").fit(DistributedTrainingIT.data(cluster)));
      assertTrue(refused.getMessage().contains("dynamic allocation"), refused.getMessage());
    } finally {
      LocalCluster.stop(cluster);
    }
  }
}
