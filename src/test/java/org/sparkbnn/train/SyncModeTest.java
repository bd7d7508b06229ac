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

    SyncMode tooMany = SyncMode.resolve("auto", conf(), "local[2]", 3, 2, false);
    assertFalse(tooMany.collective());
    assertTrue(tooMany.reason().contains("3 partitions") && tooMany.reason().contains("2 free task slots"),
        tooMany.reason());

    SparkConf encrypted = conf("spark.network.crypto.enabled", "true");
    assertFalse(SyncMode.resolve("auto", encrypted, "yarn", 2, 8, false).collective());
    assertThrows(BadInputException.class, () -> SyncMode.resolve("collective", encrypted, "yarn", 2, 8, false));
    assertTrue(SyncMode.resolve("collective", encrypted, "yarn", 2, 8, true).collective(), "explicit opt-in");
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
