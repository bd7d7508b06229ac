package org.sparkbnn.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs every partition's step in the calling thread, one block per partition: the no-Spark baseline of the
 * benchmark and of tests.
 */
public final class LocalGradientSource implements GradientSource {
  private final List<FeatureBlock> blocks;

  public LocalGradientSource(List<FeatureBlock> blocks) {
    this.blocks = blocks;
  }

  @Override
  public long[] partitionRows() {
    return blocks.stream().mapToLong(FeatureBlock::rows).toArray();
  }

  @Override
  public boolean concurrentPartitions() { return false; }

  @Override
  public List<PartitionGradient> compute(StepFunction function, float[] theta, long step, int[] shares) {
    List<PartitionGradient> out = new ArrayList<>(blocks.size());
    for (FeatureBlock b : blocks) out.add(function.compute(PartitionBlocks.of(b), theta, step, shares[b.partition]));
    return out;
  }
}
