package org.sparkbnn.train;

import java.io.Serializable;

/**
 * Which partitions each task of a collective fit computes: contiguous runs in partition order, one run per task,
 * balanced by rows. A fit whose data has more partitions than the cluster has free task slots (a file read in
 * Spark's 128 MB splits, a DataFrame after a shuffle's 200 partitions) still trains in one barrier stage: a task
 * computes each of its partitions' gradients, and the all-reduce adds every partition's in partition order, so the
 * model is the one a task per partition (or a Spark job per step) gives, whatever the number of tasks.
 */
public final class PartitionGroups implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Task t computes partitions [starts[t], starts[t + 1]). */
  private final int[] starts;

  private PartitionGroups(int[] starts) {
    this.starts = starts;
  }

  /**
   * {@code tasks} runs (1 <= tasks <= partitions), each of at least one partition: run t ends at the first
   * partition where the running row count reaches (t + 1) / tasks of the total, leaving a partition for each run after it.
   */
  public static PartitionGroups of(long[] partitionRows, int tasks) {
    int partitions = partitionRows.length;
    if (tasks < 1 || tasks > partitions) {
      throw new IllegalArgumentException(tasks + " tasks for " + partitions + " partitions");
    }
    long total = 0;
    for (long r : partitionRows) total += r;
    int[] starts = new int[tasks + 1];
    long running = 0;
    int p = 0;
    for (int t = 0; t < tasks - 1; t++) {
      double target = (double) total * (t + 1) / tasks;
      int lastAllowed = partitions - (tasks - t - 1);
      do {
        running += partitionRows[p++];
      } while (p < lastAllowed && running < target);
      starts[t + 1] = p;
    }
    starts[tasks] = partitions;
    return new PartitionGroups(starts);
  }

  public int tasks() { return starts.length - 1; }

  public int numPartitions() { return starts[starts.length - 1]; }

  public int first(int task) { return starts[task]; }

  /** One past the task's last partition. */
  public int end(int task) { return starts[task + 1]; }

  /** Whether every task computes one partition (the stage's tasks are the data's partitions). */
  public boolean onePerTask() { return tasks() == numPartitions(); }

  /** The task that computes {@code partition}. */
  public int taskOf(int partition) {
    int t = java.util.Arrays.binarySearch(starts, partition);
    // An exact hit is a run's first partition (runs are never empty, so starts are distinct below the last).
    return t >= 0 ? t : -t - 2;
  }

  /** The training rows task t holds. */
  public long rows(int task, long[] partitionRows) {
    long rows = 0;
    for (int p = first(task); p < end(task); p++) rows += partitionRows[p];
    return rows;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PartitionGroups && java.util.Arrays.equals(starts, ((PartitionGroups) o).starts);
  }

  @Override
  public int hashCode() { return java.util.Arrays.hashCode(starts); }

  /** E.g. "partitions 0-3" or "partition 4". */
  public String describe(int task) {
    return end(task) - first(task) == 1 ? "partition " + first(task)
        : "partitions " + first(task) + "-" + (end(task) - 1);
  }
}
