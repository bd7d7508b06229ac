package org.sparkbnn.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.sparkbnn.input.InvalidRowException;
import org.sparkbnn.input.FeatureValidation;
import org.sparkbnn.input.LabelDomain;

/**
 * Packs one partition of (features, label) rows into a {@link FeatureBlock}, validating every row: a null
 * vector, a vector of the wrong size, a null/NaN/infinite value or a label outside its {@link LabelDomain} fails
 * with a message naming the column, partition and row, or (skip) drops the row and counts it. A row whose
 * optional third column is true is validated and then left out (held out from training, not counted).
 */
public final class BlockBuilder implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final String featuresCol;
  private final String labelCol;
  private final int numFeatures;
  private final LabelDomain labels;
  private final boolean skipInvalid;
  private final String[] sourceColumns;

  /** {@code sourceColumns}: the input column of each feature index, or null (see FeatureValidation). */
  public BlockBuilder(String featuresCol, String labelCol, int numFeatures, LabelDomain labels,
                      boolean skipInvalid, String[] sourceColumns) {
    this.sourceColumns = sourceColumns == null ? null : sourceColumns.clone();
    this.featuresCol = featuresCol;
    this.labelCol = labelCol;
    this.numFeatures = numFeatures;
    this.labels = labels;
    this.skipInvalid = skipInvalid;
  }

  LabelDomain labelDomain() { return labels; }

  /**
   * Rows hold the features vector at index 0, the label (a double) at index 1 and optionally, at index 2, whether
   * the row is held out. Returns the partition's blocks
   * in row order, each of at most {@code maxRowsPerBlock} rows (at least one block, empty for an empty partition).
   */
  public List<FeatureBlock> build(int partition, Iterator<Row> rows, int maxRowsPerBlock) {
    List<FeatureBlock> blocks = new ArrayList<>();
    float[] x = new float[Math.min(1024, maxRowsPerBlock) * numFeatures];
    float[] y = new float[Math.min(1024, maxRowsPerBlock)];
    int n = 0;
    long skipped = 0;
    long rowIndex = -1;
    double[] origin = null;
    while (rows.hasNext()) {
      Row row = rows.next();
      rowIndex++;
      String problem = problem(row);
      if (problem != null) {
        if (skipInvalid) {
          skipped++;
          continue;
        }
        throw new InvalidRowException(problem, partition, rowIndex, "set handleInvalid=skip to drop such rows");
      }
      if (row.length() > 2 && row.getBoolean(2)) continue;
      if (n == maxRowsPerBlock) {
        blocks.add(new FeatureBlock(partition, n, numFeatures, x, y, origin, skipped));
        skipped = 0;
        n = 0;
        x = new float[x.length];
        y = new float[y.length];
      }
      if (n == y.length) {
        int grown = (int) Math.min(maxRowsPerBlock, 2L * n);
        y = Arrays.copyOf(y, grown);
        x = Arrays.copyOf(x, grown * numFeatures);
      }
      Vector v = (Vector) row.get(0);
      if (origin == null) origin = origin(v, row.getDouble(1));
      for (int j = 0; j < numFeatures; j++) x[n * numFeatures + j] = (float) (v.apply(j) - origin[j]);
      y[n] = (float) (row.getDouble(1) - origin[numFeatures]);
      n++;
    }
    blocks.add(new FeatureBlock(partition, n, numFeatures, Arrays.copyOf(x, n * numFeatures), Arrays.copyOf(y, n),
        origin == null ? new double[numFeatures + 1] : origin, skipped));
    return blocks;
  }

  /**
   * The partition's origin ({@link FeatureBlock}): its first row's values, so that the floats hold offsets from it;
   * 0 for a value beyond 10^30, whose offsets from values within float32's range (validated) could overflow it.
   */
  private double[] origin(Vector features, double label) {
    double[] origin = new double[numFeatures + 1];
    for (int j = 0; j <= numFeatures; j++) {
      double value = j < numFeatures ? features.apply(j) : label;
      origin[j] = Math.abs(value) <= 1e30 ? value : 0;
    }
    return origin;
  }

  /** Rows per block for a block size in MB: (features + label) float32 values per row. */
  public static int maxRowsPerBlock(double maxBlockSizeInMB, int numFeatures) {
    double rows = maxBlockSizeInMB * 1024 * 1024 / (4.0 * (numFeatures + 1));
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, Math.floor(rows)));
  }

  private String problem(Row row) {
    String featureProblem = FeatureValidation.problem(row.get(0), featuresCol, numFeatures, sourceColumns);
    if (featureProblem != null) return featureProblem;
    if (row.isNullAt(1)) return "label column '" + labelCol + "' is null";
    return labels.problem(row.getDouble(1), labelCol);
  }
}
