package org.sparkbnn.train;

import java.io.Serializable;

/** One partition's share of a training step: the summed data-term gradient and NLL of its rows. */
public final class PartitionGradient implements Serializable {
  private static final long serialVersionUID = 1L;

  final int partition;
  final float[] gradient;
  final double nll;
  /** Time the task spent sampling its minibatch and computing the gradient. */
  final long computeNanos;

  public PartitionGradient(int partition, float[] gradient, double nll, long computeNanos) {
    this.partition = partition;
    this.gradient = gradient;
    this.nll = nll;
    this.computeNanos = computeNanos;
  }
}
