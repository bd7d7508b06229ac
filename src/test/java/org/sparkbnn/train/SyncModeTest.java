package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.sparkbnn.input.BadInputException;

/** Which loop a fit runs, for the cluster settings that decide it. */
class SyncModeTest {
  private static SparkConf conf(String... pairs) {
    SparkConf c = new SparkConf(false);
    for (int i = 0; i < pairs.length; i += 2) c.set(pairs[i], pairs[i + 1]);
    return c;
  }

  @Test
  void autoUsesTheCollectiveWhereTheClusterAllowsIt() {
    assertTrue(SyncMode.resolve("auto", conf(), "local[2]", 2, 2, false).collective());
    // Local masters run barrier stages whatever spark.dynamicAllocation.enabled says.
    assertTrue(SyncMode.resolve("auto", conf("spark.dynamicAllocation.enabled", "true"), "local[4]", 2, 4, false)
        .collective());
    assertFalse(SyncMode.resolve("sparkJob", conf(), "local[2]", 2, 2, false).collective());
  }

  @Test
  void asManyCollectiveFitsRunAtOnceAsTheSlotsHold() {
    assertEquals(2, SyncMode.resolve("auto", conf(), "local[2]", 1, 2, false).fitsAtOnce());
    assertEquals(1, SyncMode.resolve("auto", conf(), "local[2]", 2, 2, false).fitsAtOnce());
    assertEquals(2, SyncMode.resolve("auto", conf(), "yarn", 3, 8, false).fitsAtOnce());
    assertEquals(1, SyncMode.resolve("sparkJob", conf(), "local[4]", 1, 4, false).fitsAtOnce(),
        "a sparkJob fit's every step is a job of all partitions");
  }

  @Test
  void autoFallsBackSayingWhyAndAnExplicitCollectiveIsRefused() {
    SparkConf dynamic = conf("spark.dynamicAllocation.enabled", "true");
    SyncMode fallback = SyncMode.resolve("auto", dynamic, "yarn", 4, 8, false);
    assertFalse(fallback.collective());
    assertTrue(fallback.reason().contains("dynamic allocation"), fallback.reason());
    BadInputException refused = assertThrows(BadInputException.class,
        () -> SyncMode.resolve("collective", dynamic, "local-cluster[2,1,1024]", 2, 2, false));
    assertTrue(refused.getMessage().contains("dynamic allocation"), refused.getMessage());

    SparkConf encrypted = conf("spark.network.crypto.enabled", "true");
    assertFalse(SyncMode.resolve("auto", encrypted, "yarn", 2, 8, false).collective());
    assertThrows(BadInputException.class, () -> SyncMode.resolve("collective", encrypted, "yarn", 2, 8, false));
    assertTrue(SyncMode.resolve("collective", encrypted, "yarn", 2, 8, true).collective(), "explicit opt-in");
  }

  /**
   * More partitions than free task slots: one task per slot, each computing a run of whole partitions (the packed
   * rows regrouped by a shuffle), where before auto fell back to a Spark job per step.
   */
  @Test
  void morePartitionsThanSlotsShareTheSlots() {
    SyncMode five = SyncMode.resolve("auto", conf(), "local[2]", 5, 2, false);
    assertTrue(five.collective() && five.regroup());
    assertEquals(2, five.groups().tasks());
    assertEquals(1, five.fitsAtOnce());
    assertTrue(five.reason().contains("5 partitions") && five.reason().contains("2 free task slots")
        && five.reason().contains("computes 2-3 partitions"), five.reason());
    SyncMode starting = SyncMode.resolve("auto", conf(), "yarn", 3, 0, false);
    assertFalse(starting.collective());
    assertTrue(starting.reason().contains("no free task slots yet"), starting.reason());
    SyncMode fits = SyncMode.resolve("collective", conf(), "yarn", 3, 8, false);
    assertFalse(fits.regroup());
    assertTrue(fits.groups().onePerTask());
  }

  /**
   * A task holds its partitions' packed rows for the whole fit. 20 features + label = 84 bytes a row: 1,500,000
   * rows are 120 MB, 80 MB in the larger of two tasks' runs (the partition of 1,000,000 rows) against a budget of 32
   * MB. Four tasks of 32 MB would hold the data: with 8 slots, repartitioning helps; with 2, only more memory does.
   */
  @Test
  void partitionsLargerThanATasksMemoryAreRefusedSayingWhatWouldHelp() {
    long[] rows = {500_000, 1_000_000};
    long budget = 32L << 20;
    SyncMode fallback = SyncMode.resolve("auto", conf(), "yarn", rows, 2, false, null, budget, 20);
    assertFalse(fallback.collective());
    assertTrue(fallback.reason().contains("partition 1 holds 1000000 training rows (80 MB packed)")
        && fallback.reason().contains("needs 4 such tasks at once and the cluster has 2 free task slots"),
        fallback.reason());
    BadInputException refused = assertThrows(BadInputException.class,
        () -> SyncMode.resolve("collective", conf(), "yarn", rows, 8, false, null, budget, 20));
    assertTrue(refused.getMessage().contains("needs at least 4 partitions of about equal size"), refused.getMessage());
    SyncMode grouped = SyncMode.resolve("auto", conf(), "yarn", new long[] {200_000, 200_000, 200_000}, 2, false,
        null, budget, 20);
    assertTrue(grouped.reason().contains("the task of partitions 0-1 would hold 400000 training rows"),
        grouped.reason());
    assertTrue(SyncMode.resolve("auto", conf(), "yarn", rows, 2, false, null, 128L << 20, 20).collective());
  }

  @Test
  void aLongFitOneSparkJobPerStepIsWarnedOfAndACollectiveOneIsNot() {
    SyncMode sparkJob = SyncMode.resolve("auto", conf("spark.dynamicAllocation.enabled", "true"), "yarn", 4, 8,
        false);
    assertNull(sparkJob.costWarning(SyncMode.SPARK_JOB_STEPS_WARNED));
    String warning = sparkJob.costWarning(60_000);
    assertTrue(warning != null && warning.contains("60,000 steps") && warning.contains("20-60 minutes")
        && warning.contains("dynamic allocation") && warning.contains("maxSteps"), warning);
    assertNull(SyncMode.resolve("auto", conf(), "local[2]", 2, 2, false).costWarning(1_000_000));
  }
}
