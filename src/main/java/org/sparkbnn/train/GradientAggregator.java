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

  /** Returns the summed gradient (length numParameters) and, in {@code nllOut[0]}, the summed NLL. */
  public static double[] sumInPartitionOrder(List<PartitionGradient> parts, int numParameters, double[] nllOut) {
    PartitionGradient[] ordered = parts.toArray(new PartitionGradient[0]);
    Arrays.sort(ordered, Comparator.comparingInt(p -> p.partition));
    double[] sum = new double[numParameters];
    double nll = 0;
    for (PartitionGradient p : ordered) {
      if (p.gradient == null) continue;
      for (int i = 0; i < numParameters; i++) sum[i] += p.gradient[i];
      nll += p.nll;
    }
    nllOut[0] = nll;
    return sum;
  }
}
