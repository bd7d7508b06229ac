package org.sparkbnn.train;

import java.util.List;
import org.sparkbnn.train.collective.Exchange;

/**
 * Inside one task of a collective fit: computes this partition's gradient and all-reduces it with the other
 * tasks ({@link AllReduce}), so that every task ends the step with the sum the driver would have formed. While it
 * waits for its peers' gradients it does the work that does not need them: the step's KL term and drawing its
 * rows of the next step (which depend only on the seed, the step and the partition).
 */
final class CollectiveGradientSource implements GradientSource {
  private final PartitionBlocks part;
  private final Exchange mesh;
  private final long[] partitionRows;
  /** Test hook: stop answering at this step (to test the timeout), or -1. */
  private final long stallAtStep;
  /** This step's rows, and the next step's, drawn while waiting. */
  private Minibatch current = new Minibatch();
  private Minibatch next = new Minibatch();
  private double[] sum = new double[0];
  /** This task's gradient, written anew every step (the all-reduce has read it by the next). */
  private float[] gradient = new float[0];

  CollectiveGradientSource(PartitionBlocks part, Exchange mesh, long[] partitionRows, long stallAtStep) {
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
  public StepGradient step(StepFunction function, float[] theta, long step, int[] shares, Runnable alongside) {
    int share = shares[mesh.rank()];
    if (next.holds(step, share)) {
      Minibatch drawn = next;
      next = current;
      current = drawn;
    }
    if (gradient.length != theta.length) gradient = new float[theta.length];
    PartitionGradient mine = function.compute(part, theta, step, share, current, gradient);
    if (step == stallAtStep) stall();
    if (sum.length != theta.length) sum = new double[theta.length];
    return AllReduce.sumInPartitionOrder(mesh, mine, theta.length, step, sum, () -> {
      alongside.run();
      function.draw(part, step + 1, share, next);
    });
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
