package org.sparkbnn.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;

/** The jobs read a large file into one partition per core, so that its fit can train in one barrier stage. */
class SparkSessionsTest {

  @Test
  void theSplitLimitIsHalfATasksBudgetAndNeverBelowSparksOwn() {
    long mb = 1L << 20;
    assertEquals(900 * mb, SparkSessions.splitLimit(new SparkConf(false), 1800 * mb));
    assertEquals(SparkSessions.SPARK_DEFAULT_SPLIT_LIMIT, SparkSessions.splitLimit(new SparkConf(false), 100 * mb));
    SparkConf userSet = new SparkConf(false).set(SparkSessions.MAX_PARTITION_BYTES, "64m");
    assertNull(SparkSessions.splitLimit(userSet, 1800 * mb), "a limit the user configured is kept");
  }

  /**
   * The situation scaled down: a 12 MB CSV read with a 2 MB limit (as a 394 MB file with Spark's 128 MB) is six
   * partitions on local[2], more than its two task slots, so syncMode=auto would train it one Spark job per step.
   * With the jobs' limit Spark's own rule, one split per core, decides: at most two partitions.
   */
  @Test
  void aFileLargerThanTheLimitPerCoreIsReadIntoOneSplitPerCore(@TempDir Path dir) throws IOException {
    SparkSession spark = SparkTestSession.get();
    Path csv = dir.resolve("rows.csv");
    try (Writer w = Files.newBufferedWriter(csv)) {
      w.write("a,b,c,y\n");
      for (int i = 0; i < 500_000; i++) {
        w.write(i + ".125," + (i % 97) + ".5," + (i % 13) + ".25," + (i % 7) + "\n");
      }
    }
    assertTrue(Files.size(csv) > 10L << 20, "size " + Files.size(csv));
    String previous = spark.conf().get(SparkSessions.MAX_PARTITION_BYTES);
    try {
      spark.conf().set(SparkSessions.MAX_PARTITION_BYTES, 2L << 20);
      int small = spark.read().option("header", "true").csv(csv.toString()).rdd().getNumPartitions();
      assertTrue(small > 2, small + " partitions with the small limit");
      SparkSessions.readFilesIntoFewerSplits(spark);
      int read = spark.read().option("header", "true").csv(csv.toString()).rdd().getNumPartitions();
      assertEquals(spark.sparkContext().defaultParallelism(), read);
    } finally {
      spark.conf().set(SparkSessions.MAX_PARTITION_BYTES, previous);
    }
  }
}
