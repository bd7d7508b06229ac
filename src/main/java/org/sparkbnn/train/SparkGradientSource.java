package org.sparkbnn.train;

import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.sparkbnn.compute.TaskCompute;

/**
 * One Spark job per step over the cached blocks: the parameters travel in the task closure (a few tens of KB),
 * each task returns its partition's summed gradient, and the driver sums them in partition order.
 */
public final class SparkGradientSource implements GradientSource {
  private final JavaRDD<FeatureBlock> blocks;
  private final long[] partitionRows;

  public SparkGradientSource(JavaRDD<FeatureBlock> blocks, long[] partitionRows) {
    this.blocks = blocks;
    this.partitionRows = partitionRows;
  }

  @Override
  public long[] partitionRows() { return partitionRows.clone(); }

  @Override
  public List<PartitionGradient> compute(StepFunction function, float[] theta, long step, int[] shares) {
    return blocks.mapPartitions(it -> {
      if (!it.hasNext()) return Collections.<PartitionGradient>emptyIterator();
      PartitionBlocks part = PartitionBlocks.of(it);
      TaskCompute.prepare();
      return Collections.singletonList(function.compute(part, theta, step, shares[part.partition])).iterator();
    }).collect();
  }

  @Override
  public void startEpoch(int epoch, int maxEpochs) {
    blocks.context().setJobDescription("spark-bnn: Bayes by Backprop epoch " + epoch + "/" + maxEpochs);
  }
}
