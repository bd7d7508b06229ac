package org.sparkbnn.train;

import java.util.List;

/** Where a step's data-term gradients come from: Spark executors, or blocks in this process (the baseline). */
public interface GradientSource {

  /** Rows per partition, in partition order. */
  long[] partitionRows();

  /** Per-partition gradients of one step at parameters theta, given each partition's minibatch share. */
  List<PartitionGradient> compute(StepFunction function, float[] theta, long step, int[] shares);

  /**
   * The step's summed gradient: by default the partition gradients summed in partition order. {@code kl} is the
   * step's KL term, which does not need the gradient: the source has it computed exactly once, by default after
   * the partitions' work; where the source waits for its peers, while it waits, or shared out among them
   * ({@link KlTerm}).
   */
  default StepGradient step(StepFunction function, float[] theta, long step, int[] shares, KlTerm kl) {
    double[] stats = new double[3];
    double[] sum = GradientAggregator.sumInPartitionOrder(compute(function, theta, step, shares), theta.length, stats);
    kl.run();
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
