package org.sparkbnn.train;

import java.io.Serializable;
import org.sparkbnn.input.ColumnMoments;

/**
 * Training rows of one partition packed into two float arrays (features row-major, labels), in original units:
 * a partition packs into one or more blocks of bounded size ({@link PartitionBlocks}). Cached once per fit, so
 * the per-step hot path touches no per-row objects.
 */
public final class FeatureBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  final int partition;
  final int rows;
  final int numFeatures;
  final float[] features;
  final float[] labels;
  /** Rows dropped by handleInvalid=skip while building this block. */
  final long skippedRows;

  public FeatureBlock(int partition, int rows, int numFeatures, float[] features, float[] labels, long skippedRows) {
    this.partition = partition;
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
      for (int j = 0; j < numFeatures; j++) row[j] = features[r * numFeatures + j];
      row[numFeatures] = labels[r];
      m.add(row);
    }
  }
}
