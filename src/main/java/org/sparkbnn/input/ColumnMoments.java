package org.sparkbnn.input;

import java.io.Serializable;

/**
 * Count, mean and sum of squared deviations per column (Welford's update; Chan et al.'s pairwise merge), and
 * whether a column holds exactly two distinct values ({@link #twoValues}). Partials are merged in partition order by
 * the caller so that the result does not depend on task timing.
 */
public final class ColumnMoments implements Serializable {
  private static final long serialVersionUID = 1L;

  private long count;
  private final double[] mean;
  private final double[] m2;
  /** Per column, the first two distinct values seen, and how many distinct values: 0, 1, 2 or {@link #MANY}. */
  private final double[] first;
  private final double[] second;
  private final byte[] distinct;
  private static final byte MANY = 3;
  /**
   * Values closer than this, relative to the larger magnitude, are one value: the packed rows hold float32 offsets
   * from a float64 origin per partition (FeatureBlock), so a value v reads back as origin + (float) (v - origin),
   * within 2^-24 |v - origin| of v, differently in partitions of different origins.
   */
  private static final double SAME_VALUE = 1e-6;

  public ColumnMoments(int columns) {
    this.mean = new double[columns];
    this.m2 = new double[columns];
    this.first = new double[columns];
    this.second = new double[columns];
    this.distinct = new byte[columns];
  }

  public void add(double[] row) {
    count++;
    for (int j = 0; j < mean.length; j++) {
      double delta = row[j] - mean[j];
      mean[j] += delta / count;
      m2[j] += delta * (row[j] - mean[j]);
      if (distinct[j] != MANY) see(j, row[j]);
    }
  }

  private void see(int j, double v) {
    if (distinct[j] == 0) {
      first[j] = v;
      distinct[j] = 1;
    } else if (!same(v, first[j])) {
      if (distinct[j] == 1) {
        second[j] = v;
        distinct[j] = 2;
      } else if (!same(v, second[j])) {
        distinct[j] = MANY;
      }
    }
  }

  private static boolean same(double a, double b) {
    return Math.abs(a - b) <= SAME_VALUE * Math.max(Math.abs(a), Math.abs(b));
  }

  public ColumnMoments merge(ColumnMoments other) {
    if (other.count == 0) return this;
    long total = count + other.count;
    for (int j = 0; j < mean.length; j++) {
      double delta = other.mean[j] - mean[j];
      mean[j] += delta * other.count / total;
      m2[j] += other.m2[j] + delta * delta * ((double) count * other.count / total);
      if (other.distinct[j] == MANY) {
        distinct[j] = MANY;
      } else if (distinct[j] != MANY) {
        see(j, other.first[j]);
        if (other.distinct[j] == 2) see(j, other.second[j]);
      }
    }
    count = total;
    return this;
  }

  public long count() { return count; }
  public int columns() { return mean.length; }
  public double mean(int column) { return mean[column]; }

  /** Population standard deviation of a column. */
  public double std(int column) { return count == 0 ? 0 : Math.sqrt(m2[column] / count); }

  /** A column's two values, the smaller first, if it holds exactly two distinct values; else null. */
  public double[] twoValues(int column) {
    if (distinct[column] != 2) return null;
    double a = first[column];
    double b = second[column];
    return a < b ? new double[] {a, b} : new double[] {b, a};
  }
}
