package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The runs of partitions the tasks of a collective fit compute. */
class PartitionGroupsTest {
  @Test
  void equalPartitionsSplitEvenlyAndOnePerTaskIsTheIdentity() {
    PartitionGroups two = PartitionGroups.of(new long[] {10, 10, 10, 10, 10, 10, 10, 10}, 2);
    assertEquals(0, two.first(0));
    assertEquals(4, two.end(0));
    assertEquals(8, two.end(1));
    assertEquals("partitions 4-7", two.describe(1));
    PartitionGroups each = PartitionGroups.of(new long[] {5, 0, 7}, 3);
    assertTrue(each.onePerTask());
    for (int p = 0; p < 3; p++) assertEquals(p, each.taskOf(p));
    assertEquals("partition 1", each.describe(1));
    assertThrows(IllegalArgumentException.class, () -> PartitionGroups.of(new long[] {1, 1}, 3));
  }

  /**
   * Any rows and task count: the runs are contiguous, cover every partition once in order, none is empty, taskOf
   * inverts them, and none holds more than total / tasks + the largest partition's rows. (A run ends at the first
   * partition that takes the running count to its target k / tasks of the total, so it passes the target by less
   * than that partition; a run cut short to leave a partition for each later run makes those later runs single
   * partitions.)
   */
  @Test
  void runsAreContiguousNonEmptyAndBalancedWithinOnePartition() {
    SplittableRandom rng = new SplittableRandom(7);
    for (int trial = 0; trial < 2000; trial++) {
      int partitions = rng.nextInt(1, 40);
      int tasks = rng.nextInt(1, partitions + 1);
      long[] rows = new long[partitions];
      long total = 0;
      long largest = 0;
      for (int p = 0; p < partitions; p++) {
        rows[p] = rng.nextInt(4) == 0 ? 0 : rng.nextLong(1, 1000);
        total += rows[p];
        largest = Math.max(largest, rows[p]);
      }
      PartitionGroups groups = PartitionGroups.of(rows, tasks);
      assertEquals(tasks, groups.tasks());
      assertEquals(0, groups.first(0));
      assertEquals(partitions, groups.end(tasks - 1));
      for (int t = 0; t < tasks; t++) {
        assertTrue(groups.end(t) > groups.first(t), "an empty run");
        if (t > 0) assertEquals(groups.end(t - 1), groups.first(t));
        for (int p = groups.first(t); p < groups.end(t); p++) assertEquals(t, groups.taskOf(p));
        assertTrue(groups.rows(t, rows) <= (double) total / tasks + largest,
            groups.rows(t, rows) + " rows of " + total + " in task " + t + " of " + tasks);
      }
    }
  }
}
