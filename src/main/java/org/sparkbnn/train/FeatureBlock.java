package org.sparkbnn.train;

import java.io.Serializable;
import org.sparkbnn.input.ColumnMoments;

/**
 * Training rows of one partition packed into two float arrays (features row-major, labels), in original units:
 * a partition packs into one or more blocks of bounded size ({@link PartitionBlocks}). Cached once per fit, so
 * the per-step hot path touches no per-row objects.
 *
 * <p>The floats are offsets from a float64 origin per column, the partition's first row ({@link BlockBuilder}): a
 * float32 holds 24 significant bits, so a column that varies by a little around a large value (a label of
 * 10^15 + a few units, a timestamp in milliseconds) would lose its variation if stored as it is, and the fit would
 * see a constant. Its offsets keep the digits that vary; moments and standardisation are taken in float64 from
 * origin + offset.
 */
public final class FeatureBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  final int partition;
  final int rows;
  final int numFeatures;
  final float[] features;
  final float[] labels;
  /** Each column's origin: the features' (0..d-1), then the label's (d). */
  final double[] origin;
  /** Rows dropped by handleInvalid=skip while building this block. */
  final long skippedRows;

  /** Rows stored as they are (origin 0). */
  public FeatureBlock(int partition, int rows, int numFeatures, float[] features, float[] labels, long skippedRows) {
    this(partition, rows, numFeatures, features, labels, new double[numFeatures + 1], skippedRows);
  }

  /** Rows stored as offsets from {@code origin} (numFeatures + 1 values: the features', then the label's). */
  public FeatureBlock(int partition, int rows, int numFeatures, float[] features, float[] labels, double[] origin,
                      long skippedRows) {
    this.partition = partition;
    this.origin = origin.clone();
    this.rows = rows;
    this.numFeatures = numFeatures;
    this.features = features;
    this.labels = labels;
    this.skippedRows = skippedRows;
  }

  public int partition() { return partition; }
  public int rows() { return rows; }
  public int numFeatures() { return numFeatures; }
  public long skippedRows() { return skippedRows; }

  /** Row r's value of feature j, in original units. */
  double feature(int r, int j) { return origin[j] + features[r * numFeatures + j]; }

  /** Row r's label, in original units. */
  double label(int r) { return origin[numFeatures] + labels[r]; }

  /** Column moments of features (columns 0..d-1) and label (column d). */
  public ColumnMoments moments() {
    ColumnMoments m = new ColumnMoments(numFeatures + 1);
    addTo(m);
    return m;
  }

  /** Adds this block's rows, in order, to running moments. */
  void addTo(ColumnMoments m) {
    double[] row = new double[numFeatures + 1];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < numFeatures; j++) row[j] = feature(r, j);
      row[numFeatures] = label(r);
      m.add(row);
    }
  }
}
