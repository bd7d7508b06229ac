package org.sparkbnn.jobs;

/** The "mean ± standard error over splits" line that the evaluation jobs print for each metric. */
final class SplitSummary {
  private SplitSummary() {}

  /** {@code perSplit[s][m]} is metric m on split s; the standard error is the sample sd / sqrt(splits). */
  static String format(String[] names, double[][] perSplit) {
    int splits = perSplit.length;
    StringBuilder line = new StringBuilder();
    for (int m = 0; m < names.length; m++) {
      double mean = 0;
      for (double[] r : perSplit) mean += r[m] / splits;
      double var = 0;
      for (double[] r : perSplit) var += (r[m] - mean) * (r[m] - mean) / Math.max(1, splits - 1);
      line.append(String.format("  %s %.4f ± %.4f", names[m], mean, Math.sqrt(var / splits)));
    }
    return line.toString();
  }
}
