package org.sparkbnn.jobs;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.ExecutorMetrics;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkbnn.ml.BayesByBackpropRegressor;

/**
 * A fit far larger than one block (benchmark {@code --scale-rows N}, not a test): N synthetic rows generated on
 * the executors (the benchmark's generating function), fitted through the estimator with the default syncMode for
 * a fixed number of steps, and the executors' peak memory as Spark's heartbeats report it. It shows the bounded
 * blocks ({@code maxBlockSizeInMB}) at work: Spark cannot store a block over 2 GB, and 20M x 20 rows in two
 * partitions are 0.8 GB each.
 */
final class ScaleBenchmark {
  private static final String[] METRICS = {"JVMHeapMemory", "JVMOffHeapMemory", "DirectPoolMemory"};

  private ScaleBenchmark() {}

  static void run(long rows, int features, int[] hidden, int partitions, int steps) {
    SparkSession spark = SparkSessions.create("spark-bnn scale benchmark");
    Map<String, long[]> peaks = new TreeMap<>();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        scala.collection.Iterator<ExecutorMetrics> it = update.executorUpdates().valuesIterator();
        while (it.hasNext()) {
          ExecutorMetrics m = it.next();
          synchronized (peaks) {
            long[] peak = peaks.computeIfAbsent(update.execId(), id -> new long[METRICS.length]);
            for (int i = 0; i < METRICS.length; i++) peak[i] = Math.max(peak[i], m.getMetricValue(METRICS[i]));
          }
        }
      }
    });
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);
    List<Integer> ids = new ArrayList<>();
    for (int p = 0; p < partitions; p++) ids.add(p);
    JavaRDD<Row> generated = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(ids, partitions)
        .flatMap(p -> rowsOf(p, rows, features, partitions));
    Dataset<Row> data = spark.createDataFrame(generated, schema);
    long start = System.nanoTime();
    // One network, as the training loop's own figures measure.
    new BayesByBackpropRegressor().setHiddenLayers(hidden).setBatchSize(1024).setMaxSteps(steps)
        .setCalibrationFraction(0).setEnsembleSize(1).setLikelihood("homoscedastic").fit(data);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("BENCH scale: fit of %,d x %d rows in %d partitions, %d steps, in %.1f s (generating, checking,"
        + " packing and caching the rows included; the training loop's own figures are in the log lines above)%n",
        rows, features, partitions, steps, seconds);
    synchronized (peaks) {
      peaks.forEach((id, peak) -> System.out.printf("BENCH scale: executor %s peak JVM heap %,d MB, off-heap %,d MB,"
          + " direct buffers %,d MB (sampled at heartbeats)%n", id, peak[0] >> 20, peak[1] >> 20, peak[2] >> 20));
    }
  }

  /** Partition p's rows, generated as they are read (never all in memory): x ~ N(0, I), y as the benchmark's. */
  private static Iterator<Row> rowsOf(int partition, long rows, int features, int partitions) {
    SplittableRandom weights = new SplittableRandom(0);
    double[] w = new double[features];
    for (int j = 0; j < features; j++) w[j] = weights.nextGaussian() / Math.sqrt(features);
    long n = rows * (partition + 1) / partitions - rows * partition / partitions;
    SplittableRandom rng = new SplittableRandom(1000 + partition);
    return new Iterator<>() {
      private long i;

      @Override public boolean hasNext() { return i < n; }

      @Override
      public Row next() {
        i++;
        double[] x = new double[features];
        double dot = 0;
        for (int j = 0; j < features; j++) {
          x[j] = (float) rng.nextGaussian();
          dot += x[j] * w[j];
        }
        double noise = (0.1 + 0.2 / (1 + Math.exp(-x[Math.min(3, features - 1)]))) * rng.nextGaussian();
        double y = Math.sin(dot) + (features > 2 ? 0.5 * x[0] * x[1] + 0.1 * x[2] * x[2] : 0) + noise;
        return RowFactory.create(Vectors.dense(x), y);
      }
    };
  }
}
