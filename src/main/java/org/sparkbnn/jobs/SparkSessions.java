package org.sparkbnn.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

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
    return spark;
  }
}
