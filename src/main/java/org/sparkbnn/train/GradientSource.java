package org.sparkbnn.train;

import java.util.List;

/** Where a step's data-term gradients come from: Spark executors, or blocks in this process (the baseline). */
public interface GradientSource {

  /** Rows per partition, in partition order. */
  long[] partitionRows();

  /** Per-partition gradients of one step at parameters theta, given each partition's minibatch share. */
  List<PartitionGradient> compute(StepFunction function, float[] theta, long step, int[] shares);

  /** Called at the start of each epoch (e.g. to label the Spark jobs). */
  default void startEpoch(int epoch, int maxEpochs) {}
}
