package org.sparkbnn.jobs;

import java.io.File;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparkbnn.bayes.BayesianMlp;
import org.sparkbnn.bayes.GradientEstimator;
import org.sparkbnn.compute.ComputeKernel;
import org.sparkbnn.input.Standardization;
import org.sparkbnn.train.FeatureBlock;
import org.sparkbnn.train.StepTimings;

/**
 * {@code benchmark --executors 1,2}: the collective fit on local clusters of each number of single-core executor
 * JVMs in turn, one partition per executor, in one run, so that the ratios against the first count are measured on
 * the same machine in the same session. Each count gets a fresh cluster (its executors' JITs warm up anew) and the
 * stage's steady-state fits ({@link StageFits}).
 */
final class ExecutorScaling {
  private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\d+,\\s*\\d+,\\s*(\\d+)]");
  /** Memory of each local worker (MB) when the job was not started on a local cluster that names one. */
  private static final int DEFAULT_WORKER_MB = 3072;

  private ExecutorScaling() {}

  static void run(int[] executorCounts, int rows, int features, int[] hidden, int batch, int steps) {
    String sparkHome = System.getenv("SPARK_HOME");
    if (sparkHome == null || !new File(sparkHome, "jars").isDirectory()) {
      // Without one, Spark cannot start the executors and waits for them for ever.
      throw new UsageException("--executors starts local clusters, whose executors need a Spark installation:"
          + " run it through jobs/bnn (it assembles one under target/) or set SPARK_HOME");
    }
    int workerMb = workerMemoryMb(System.getProperty("spark.master", ""));
    BayesianMlp network = BenchmarkJob.network(features, hidden);
    Map<GradientEstimator, double[]> rowsPerSecond = new EnumMap<>(GradientEstimator.class);
    for (GradientEstimator estimator : GradientEstimator.values()) {
      rowsPerSecond.put(estimator, new double[executorCounts.length]);
    }
    for (int c = 0; c < executorCounts.length; c++) {
      int executors = executorCounts[c];
      List<FeatureBlock> blocks = new ArrayList<>();
      for (int p = 0; p < executors; p++) blocks.add(BenchmarkJob.syntheticBlock(p, rows, features, executors));
      Standardization standardization = BenchmarkJob.standardization(blocks, features);
      long[] sizes = blocks.stream().mapToLong(FeatureBlock::rows).toArray();
      String master = "local-cluster[" + executors + ",1," + workerMb + "]";
      SparkSession spark = SparkSession.builder().appName("spark-bnn benchmark").master(master).getOrCreate();
      try {
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < executors; p++) ids.add(p);
        JavaRDD<FeatureBlock> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(ids, executors).map(p -> BenchmarkJob.syntheticBlock(p, rows, features, executors))
            .persist(StorageLevel.MEMORY_ONLY());
        rdd.count();
        for (GradientEstimator estimator : GradientEstimator.values()) {
          StageFits stage = new StageFits(BenchmarkJob.config(network, estimator, batch, ComputeKernel.FUSED),
              standardization, rdd, sizes, features, steps, batch);
          if (!stage.collective()) {
            System.out.println("BENCH " + master + ": collective not measured: " + stage.reason());
            continue;
          }
          SteadyFits<StepTimings> fits = stage.measure();
          System.out.printf("BENCH train %s, Spark %s collective, %s; timed fits of %,d steps: %s%n",
              estimator.paramValue(), master, fits.describe(), stage.timedSteps, fits.median());
          rowsPerSecond.get(estimator)[c] = fits.median().rowsPerSecond();
        }
      } finally {
        spark.stop();
      }
    }
    for (GradientEstimator estimator : GradientEstimator.values()) {
      double[] rates = rowsPerSecond.get(estimator);
      for (int c = 1; c < executorCounts.length; c++) {
        if (rates[0] > 0 && rates[c] > 0) {
          System.out.printf("BENCH %s: %d executors / %d, same run: %.2f%n", estimator.paramValue(),
              executorCounts[c], executorCounts[0], rates[c] / rates[0]);
        }
      }
    }
  }

  /** The worker memory a local-cluster master names, else {@value #DEFAULT_WORKER_MB}. */
  static int workerMemoryMb(String master) {
    Matcher m = LOCAL_CLUSTER.matcher(master);
    return m.matches() ? Integer.parseInt(m.group(1)) : DEFAULT_WORKER_MB;
  }
}
