package org.sparkbnn.train;

import java.util.List;

/** Where a step's data-term gradients come from: Spark executors, or blocks in this process (the baseline). */
public interface GradientSource {

  /** Rows per partition, in partition order. */
  long[] partitionRows();

  /** Per-partition gradients of one step at parameters theta, given each partition's minibatch share. */
  List<PartitionGradient> compute(StepFunction function, float[] theta, long step, int[] shares);

  /**
   * The step's summed gradient: by default the partition gradients summed in partition order. {@code alongside}
   * is the step's work that does not need the gradient (the KL term); it runs exactly once, by default after the
   * partitions' work, and where the source waits for its peers, while it waits.
   */
  default StepGradient step(StepFunction function, float[] theta, long step, int[] shares, Runnable alongside) {
    double[] stats = new double[3];
    double[] sum = GradientAggregator.sumInPartitionOrder(compute(function, theta, step, shares), theta.length, stats);
    alongside.run();
    return new StepGradient(sum, stats[0], (long) stats[1], (long) stats[2]);
  }

  /**
   * Whether partitions compute concurrently (Spark tasks) or one after another (the in-process baseline):
   * decides whether a step's gradient time is the slowest partition's or the sum over partitions.
   */
  default boolean concurrentPartitions() { return true; }

  /** Called at the start of each epoch (e.g. to label the Spark jobs). */
  default void startEpoch(int epoch, int maxEpochs) {}
}
