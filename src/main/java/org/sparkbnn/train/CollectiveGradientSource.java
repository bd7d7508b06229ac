package org.sparkbnn.train;

import java.util.ArrayList;
import java.util.List;
import org.sparkbnn.train.collective.Exchange;

/**
 * Inside one task of a collective fit: computes the gradients of this task's partitions (one, or a run of several
 * when the data has more partitions than the cluster has task slots, {@link PartitionGroups}) and all-reduces them
 * with the other tasks ({@link AllReduce}), so that every task ends the step with the sum the driver would have
 * formed. Its share of the step's KL term goes with its gradient ({@link KlTerm}); while it waits for its peers'
 * gradients it draws its partitions' rows of the next step (which depend only on the seed, the step and the
 * partition), and computes the whole KL term where it cannot be shared.
 */
final class CollectiveGradientSource implements GradientSource {
  private final List<PartitionBlocks> parts;
  private final Exchange mesh;
  private final long[] partitionRows;
  /** Test hook: stop answering at this step (to test the timeout), or -1. */
  private final long stallAtStep;
  /** Per partition of this task: this step's rows, and the next step's, drawn while waiting. */
  private final Minibatch[] current;
  private final Minibatch[] next;
  /** Per partition of this task: its gradient, written anew every step (the all-reduce has read it by the next). */
  private final float[][] gradients;
  private double[] sum = new double[0];

  CollectiveGradientSource(List<PartitionBlocks> parts, Exchange mesh, long[] partitionRows, long stallAtStep) {
    this.parts = parts;
    this.mesh = mesh;
    this.partitionRows = partitionRows.clone();
    this.stallAtStep = stallAtStep;
    this.current = new Minibatch[parts.size()];
    this.next = new Minibatch[parts.size()];
    this.gradients = new float[parts.size()][0];
    for (int i = 0; i < parts.size(); i++) {
      current[i] = new Minibatch();
      next[i] = new Minibatch();
    }
  }

  @Override public long[] partitionRows() { return partitionRows.clone(); }

  @Override
  public List<PartitionGradient> compute(StepFunction function, float[] theta, long step, int[] shares) {
    throw new UnsupportedOperationException("a collective task sees only its own partitions");
  }

  @Override
  public StepGradient step(StepFunction function, float[] theta, long step, int[] shares, KlTerm kl) {
    List<PartitionGradient> mine = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      PartitionBlocks part = parts.get(i);
      int share = shares[part.partition];
      if (next[i].holds(step, share)) {
        Minibatch drawn = next[i];
        next[i] = current[i];
        current[i] = drawn;
      }
      if (gradients[i].length != theta.length) gradients[i] = new float[theta.length];
      mine.add(function.compute(part, theta, step, share, current[i], gradients[i]));
    }
    if (step == stallAtStep) stall();
    if (sum.length != theta.length) sum = new double[theta.length];
    // Where every task sends its message to every other, each sends its share of the KL term with it.
    KlTerm shared = kl.inBlocks() && AllReduce.isDirect(mesh.size(), theta.length) ? kl : null;
    if (shared != null) shared.computeShare(mesh.rank(), mesh.size());
    return AllReduce.sumInPartitionOrder(mesh, mine, theta.length, step, sum, shared, () -> {
      if (shared == null) kl.run();
      for (int i = 0; i < parts.size(); i++) {
        PartitionBlocks part = parts.get(i);
        function.draw(part, step + 1, shares[part.partition], next[i]);
      }
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
