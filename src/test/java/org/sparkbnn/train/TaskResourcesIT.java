package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkbnn.LocalCluster;
import org.sparkbnn.SyntheticData;
import org.sparkbnn.ml.BayesByBackpropRegressionModel;
import org.sparkbnn.ml.BayesByBackpropRegressor;
import org.sparkbnn.compute.TaskCompute;

/**
 * GPU scheduling without a GPU: a fake discovery script reports two GPU addresses to a local-cluster worker
 * whose one executor has two cores, two GPUs and one GPU per task. Spark then assigns each running task its own
 * address, and {@link TaskCompute} must pick it up (on this CPU build: record it, not bind it, and warn), while
 * giving ND4J spark.task.cpus threads rather than Spark's default OMP_NUM_THREADS = executor cores.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TaskResourcesIT {
  private static SparkSession spark;
  private static Path script;

  @BeforeAll
  static void clusterWithFakeGpus() throws IOException {
    script = Files.createTempFile("fake-gpu-discovery", ".sh");
    Files.writeString(script, "#!/usr/bin/env bash\necho '{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}'\n");
    assertTrue(new File(script.toString()).setExecutable(true));
    spark = LocalCluster.start("local-cluster[1,2,2048]", Map.of(
        "spark.worker.resource.gpu.amount", "2",
        "spark.worker.resource.gpu.discoveryScript", script.toString(),
        "spark.executor.resource.gpu.amount", "2",
        "spark.task.resource.gpu.amount", "1",
        "spark.executor.cores", "2"));
  }

  @AfterAll
  static void stop() throws IOException {
    LocalCluster.stop(spark);
    Files.deleteIfExists(script);
  }

  @Test
  void concurrentTasksGetDistinctGpusAndOneThreadEach() {
    // Tasks sleep so that both run at once and hold both GPUs.
    List<TaskCompute.Binding> bindings = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(Arrays.asList(0, 1), 2).mapPartitions(it -> {
          TaskCompute.Binding binding = TaskCompute.prepare();
          int[] threads = TaskCompute.currentThreads();
          if (threads[0] != binding.threads || threads[1] != binding.threads) {
            throw new IllegalStateException("ND4J threads " + Arrays.toString(threads) + ", expected "
                + binding.threads);
          }
          Thread.sleep(1500);
          return Collections.singletonList(binding).iterator();
        }).collect();
    Set<String> addresses = new TreeSet<>();
    for (TaskCompute.Binding b : bindings) {
      addresses.add(b.assignedGpu);
      assertEquals(Integer.parseInt(b.assignedGpu), b.device, "the task's device is its assigned address");
      assertEquals("cpu", b.backend);
      assertFalse(b.boundOnBackend, "the CPU backend has no GPU to bind");
      assertEquals(1, b.threads, "spark.task.cpus, not the executor's 2 cores");
    }
    assertEquals(Set.of("0", "1"), addresses, "each concurrent task has its own GPU");
  }

  @Test
  void aCpuBuildStillTrainsWhenGpusAreConfigured() {
    BayesByBackpropRegressionModel model = new BayesByBackpropRegressor().setLengthDoublings(0)
        .setHiddenLayers(8).setMaxEpochs(2)
        .setBatchSize(50).fit(SyntheticData.sine(spark, 300, 0.1, 1, 2));
    assertEquals(2, model.trainingHistory().size());
    assertTrue(Double.isFinite(model.transform(SyntheticData.sine(spark, 10, 0.1, 2, 1)).first().getDouble(2)));
  }
}
