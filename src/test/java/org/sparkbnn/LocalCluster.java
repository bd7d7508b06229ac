package org.sparkbnn;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * A multi-JVM Spark cluster on this machine for the integration tests (run by failsafe in {@code mvn verify}):
 * Spark's {@code local-cluster[workers,cores,memoryMB]} master starts a Master, Workers and real executor JVMs
 * from the SPARK_HOME that the build assembles under target/, and the executors load our classes and ND4J from
 * the application jar and the test jar shipped with {@code spark.jars}.
 */
public final class LocalCluster {
  private LocalCluster() {}

  /** Starts the cluster and waits until all its executors have registered (they start asynchronously). */
  public static SparkSession start(String master, Map<String, String> conf) {
    String appJar = requiredFile("bnn.appJar");
    String testJar = requiredFile("bnn.testJar");
    SparkSession.Builder builder = SparkSession.builder()
        .master(master)
        .appName("spark-bnn-it")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.jars", appJar + "," + testJar)
        .config("spark.executor.memory", "1g")
        .config("spark.executor.extraJavaOptions",
            "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("bnn.javacppCache"))
        .config("spark.sql.shuffle.partitions", "4");
    conf.forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    awaitExecutors(spark, Integer.parseInt(master.replaceAll(".*\\[(\\d+),.*", "$1")));
    return spark;
  }

  /** Waits until this many executors are registered (after a start, or after one was killed and replaced). */
  public static void awaitExecutors(SparkSession spark, int executors) {
    long deadline = System.nanoTime() + 180_000_000_000L;
    // The status tracker lists the driver too.
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < executors + 1) {
      if (System.nanoTime() > deadline) {
        stop(spark);
        throw new IllegalStateException("the local cluster's " + executors + " executors did not register within"
            + " 3 minutes (see the executor logs under $SPARK_HOME/work)");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Local mode in the same JVM, for results to compare the cluster's against. */
  public static SparkSession startLocal() {
    return SparkSession.builder().master("local[2]").appName("spark-bnn-it-local")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  public static void stop(SparkSession spark) {
    if (spark != null) spark.stop();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /** The executor JVMs of this application, found by their command line. */
  public static List<ProcessHandle> executorProcesses(SparkSession spark) {
    String appId = spark.sparkContext().applicationId();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine()
            .map(c -> c.contains("CoarseGrainedExecutorBackend") && c.contains(appId)).orElse(false))
        .collect(Collectors.toList());
  }

  private static String requiredFile(String property) {
    String path = System.getProperty(property);
    if (path == null || !new File(path).isFile()) {
      throw new IllegalStateException("system property " + property + " must name a built jar (got " + path
          + "): run the integration tests through 'mvn verify', which builds it");
    }
    return path;
  }
}
