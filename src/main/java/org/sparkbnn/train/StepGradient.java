package org.sparkbnn.train;

/**
 * One step's data term over all partitions: the float64 sum of the partition gradients taken in partition order,
 * the summed NLL, and the slowest and total partition compute times (nanoseconds).
 */
public final class StepGradient {
  final double[] sum;
  final double nll;
  final long slowestNanos;
  final long totalNanos;

  public StepGradient(double[] sum, double nll, long slowestNanos, long totalNanos) {
    this.sum = sum;
    this.nll = nll;
    this.slowestNanos = slowestNanos;
    this.totalNanos = totalNanos;
  }
}
