package org.sparkbnn.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The sizes under which the benchmark's fits run a given number of steps, and the local clusters it starts. */
class StageFitsTest {

  @Test
  void partitionSizesForAFitOfSoManyStepsKeepTheirProportions() {
    // 4,000 steps of 1,024 rows over partitions of 600 and 400 rows: 4,096,000 rows split 60:40.
    assertArrayEquals(new long[] {2_457_600, 1_638_400}, StageFits.rowsForSteps(new long[] {600, 400}, 4000, 1024));
    // A partition too small for a row of its own keeps one, so its share of the minibatch is not dropped; the
    // others round down (1,000,000 x 1,000 / 1,000,001 = 999.999).
    assertArrayEquals(new long[] {1, 999}, StageFits.rowsForSteps(new long[] {1, 1_000_000}, 1, 1000));
  }

  @Test
  void theWorkersMemoryComesFromTheLocalClusterTheJobWasStartedOn() {
    assertEquals(6144, ExecutorScaling.workerMemoryMb("local-cluster[2,1,6144]"));
    assertEquals(3072, ExecutorScaling.workerMemoryMb("local[2]"));
    assertEquals(3072, ExecutorScaling.workerMemoryMb(""));
  }
}
