package org.sparkbnn.train;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Sums partition gradients in float64 in partition order. Spark merges task results in completion order, and
 * floating-point addition is not associative: summing in a fixed order is what makes the same seed, data and
 * partitioning give a bit-identical model.
 */
public final class GradientAggregator {
  private GradientAggregator() {}

  /**
   * Returns the summed gradient (length numParameters); {@code statsOut} receives the summed NLL, the slowest
   * partition's compute time and the total compute time over partitions (nanoseconds).
   */
  public static double[] sumInPartitionOrder(List<PartitionGradient> parts, int numParameters, double[] statsOut) {
    PartitionGradient[] ordered = parts.toArray(new PartitionGradient[0]);
    Arrays.sort(ordered, Comparator.comparingInt(p -> p.partition));
    double[] sum = new double[numParameters];
    double nll = 0;
    long slowest = 0;
    long total = 0;
    for (PartitionGradient p : ordered) {
      slowest = Math.max(slowest, p.computeNanos);
      total += p.computeNanos;
      if (p.gradient == null) continue;
      for (int i = 0; i < numParameters; i++) sum[i] += p.gradient[i];
      nll += p.nll;
    }
    statsOut[0] = nll;
    statsOut[1] = slowest;
    statsOut[2] = total;
    return sum;
  }
}
