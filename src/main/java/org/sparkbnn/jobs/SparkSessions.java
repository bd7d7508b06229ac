package org.sparkbnn.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.sparkbnn.train.TrainingData;

/**
 * The session a job runs in: the one spark-submit configured, or an embedded local Spark when the job is
 * started with plain {@code java} (no spark.master set), bound to the loopback address.
 */
final class SparkSessions {
  private SparkSessions() {}

  static SparkSession create(String appName) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (!conf.contains("spark.master")) {
      builder.master("local[" + Runtime.getRuntime().availableProcessors() + "]")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "8");
    }
    SparkSession spark = builder.getOrCreate();
    if (!conf.contains("spark.master")) spark.sparkContext().setLogLevel("WARN");
    readFilesIntoFewerSplits(spark);
    return spark;
  }

  static final String MAX_PARTITION_BYTES = "spark.sql.files.maxPartitionBytes";
  static final long SPARK_DEFAULT_SPLIT_LIMIT = 128L << 20;

  /**
   * Spark splits input files at most {@value #MAX_PARTITION_BYTES} apart (128 MB by default) and otherwise into one
   * split per core. A collective fit runs one task per slot; a file of more than 128 MB per slot (a 394 MB CSV on
   * two cores: three partitions) has more partitions than that, which the fit shuffles into runs of partitions per
   * task, each partition paying its own small products and gradient message every step (until 2026-12-06 it fell
   * back to a Spark job per step, hours instead of minutes). So the jobs raise the limit to what a task of a
   * collective fit may hold, half its memory budget in file bytes (a one-digit CSV value and its comma, two bytes,
   * pack into a four-byte float): a file then reads into one split per core, unless a core's share would not fit a
   * task, where the limit still splits it finer. A value the user set is kept.
   */
  static void readFilesIntoFewerSplits(SparkSession spark) {
    Long limit = splitLimit(spark.sparkContext().getConf(), TrainingData.taskMemoryBudget(spark.sparkContext()));
    if (limit != null) spark.conf().set(MAX_PARTITION_BYTES, limit);
  }

  /** The split limit the jobs read files with, or null to keep the one the user configured. */
  static Long splitLimit(SparkConf conf, long taskMemoryBudget) {
    if (conf.contains(MAX_PARTITION_BYTES)) return null;
    return Math.max(SPARK_DEFAULT_SPLIT_LIMIT, taskMemoryBudget / 2);
  }
}
