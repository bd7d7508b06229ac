package org.sparkbnn.train;

import java.util.List;
import org.sparkbnn.train.collective.PeerMesh;

/**
 * Inside one task of a collective fit: computes this partition's gradient and all-reduces it with the other
 * tasks ({@link AllReduce}), so that every task ends the step with the sum the driver would have formed.
 */
final class CollectiveGradientSource implements GradientSource {
  private final PartitionBlocks part;
  private final PeerMesh mesh;
  private final long[] partitionRows;
  /** Test hook: stop answering at this step (to test the timeout), or -1. */
  private final long stallAtStep;

  CollectiveGradientSource(PartitionBlocks part, PeerMesh mesh, long[] partitionRows, long stallAtStep) {
    this.part = part;
    this.mesh = mesh;
    this.partitionRows = partitionRows.clone();
    this.stallAtStep = stallAtStep;
  }

  @Override public long[] partitionRows() { return partitionRows.clone(); }

  @Override
  public List<PartitionGradient> compute(StepFunction function, float[] theta, long step, int[] shares) {
    throw new UnsupportedOperationException("a collective task sees only its own partition");
  }

  @Override
  public StepGradient step(StepFunction function, float[] theta, long step, int[] shares) {
    PartitionGradient mine = function.compute(part, theta, step, shares[mesh.rank()]);
    if (step == stallAtStep) stall();
    return AllReduce.sumInPartitionOrder(mesh, mine, theta.length, step);
  }

  private static void stall() {
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("stalled task interrupted");
    }
  }
}
