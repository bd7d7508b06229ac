package org.sparkbnn.input;

import java.io.Serializable;

/**
 * Count, mean and sum of squared deviations per column (Welford's update; Chan et al.'s pairwise merge).
 * Partials are merged in partition order by the caller so that the result does not depend on task timing.
 */
public final class ColumnMoments implements Serializable {
  private static final long serialVersionUID = 1L;

  private long count;
  private final double[] mean;
  private final double[] m2;

  public ColumnMoments(int columns) {
    this.mean = new double[columns];
    this.m2 = new double[columns];
  }

  public void add(double[] row) {
    count++;
    for (int j = 0; j < mean.length; j++) {
      double delta = row[j] - mean[j];
      mean[j] += delta / count;
      m2[j] += delta * (row[j] - mean[j]);
    }
  }

  public ColumnMoments merge(ColumnMoments other) {
    if (other.count == 0) return this;
    long total = count + other.count;
    for (int j = 0; j < mean.length; j++) {
      double delta = other.mean[j] - mean[j];
      mean[j] += delta * other.count / total;
      m2[j] += other.m2[j] + delta * delta * ((double) count * other.count / total);
    }
    count = total;
    return this;
  }

  public long count() { return count; }
  public int columns() { return mean.length; }
  public double mean(int column) { return mean[column]; }

  /** Population standard deviation of a column. */
  public double std(int column) { return count == 0 ? 0 : Math.sqrt(m2[column] / count); }
}
