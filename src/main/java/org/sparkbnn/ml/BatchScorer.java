package org.sparkbnn.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkbnn.bayes.SampledNetworks;
import org.sparkbnn.compute.ComputeKernel;
import org.sparkbnn.input.FeatureValidation;
import org.sparkbnn.input.InvalidRowException;
import org.sparkbnn.input.Standardization;
import org.sparkbnn.compute.TaskCompute;

/**
 * Scores one partition in batches of {@value #BATCH_ROWS} rows, so that each batch is one standardised matrix
 * through the T sampled networks, and validates every row's features on the way (error naming the row, or
 * skip). Subclasses turn a batch's predictive into output rows.
 *
 * @param <P> the per-partition predictive (weight samples are drawn once per partition, from the model seed)
 */
abstract class BatchScorer<P> implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int BATCH_ROWS = 1024;

  final FittedNetwork fitted;
  final ModelSpec spec;
  final ComputeKernel kernel;
  final Standardization standardization;
  final int samples;
  final long seed;
  final int featuresIndex;
  private final String featuresCol;
  private final String[] sourceColumns;
  private final boolean skipInvalid;

  BatchScorer(FittedNetwork fitted, StructType inputSchema, BayesByBackpropParams params, String featuresCol) {
    this.fitted = fitted;
    this.spec = fitted.spec;
    this.kernel = FittedNetwork.kernel(params);
    this.standardization = fitted.standardization;
    this.samples = params.getPredictSamples();
    this.seed = params.getSeed();
    this.featuresIndex = inputSchema.fieldIndex(featuresCol);
    this.featuresCol = featuresCol;
    this.sourceColumns = FeatureValidation.sourceColumns(inputSchema.apply(featuresCol));
    this.skipInvalid = params.skipInvalid();
  }

  /** The predictive for one partition. */
  abstract P predictive();

  /**
   * Output rows (input columns followed by the appended ones) for a batch and its standardised features; a
   * prediction that is not finite fails through {@link #notFinite}, naming the batch row.
   */
  abstract List<Row> scoreBatch(List<Row> batch, long[] rowIndices, float[] x, P predictive);

  /** This partition's weight samples (drawn once per partition, from the model seed). */
  SampledNetworks sampledNetworks() {
    return fitted.samples(samples, seed, kernel);
  }

  /**
   * A prediction that overflowed: the features are so far from the training data that the network's output is
   * not a number. Never written; the row is named so that its features can be checked.
   */
  InvalidRowException notFinite(String what, Row row, long rowIndex) {
    return new InvalidRowException("the prediction for features " + row.get(featuresIndex) + " is not finite (" + what
        + "): the features are too far outside the training data", TaskContext.getPartitionId(), rowIndex, "");
  }

  Iterator<Row> score(Iterator<Row> input) {
    TaskCompute.prepare();
    P predictive = predictive();
    return new Iterator<Row>() {
      private final List<Row> pending = new ArrayList<>();
      private int next;
      private long rowIndex = -1;

      @Override public boolean hasNext() {
        if (next < pending.size()) return true;
        pending.clear();
        next = 0;
        fill();
        return !pending.isEmpty();
      }

      @Override public Row next() {
        if (!hasNext()) throw new NoSuchElementException();
        return pending.get(next++);
      }

      private void fill() {
        List<Row> batch = new ArrayList<>(BATCH_ROWS);
        long[] rowIndices = new long[BATCH_ROWS];
        while (batch.size() < BATCH_ROWS && input.hasNext()) {
          Row row = input.next();
          rowIndex++;
          String problem = FeatureValidation.problem(row.get(featuresIndex), featuresCol, spec.numFeatures,
              sourceColumns);
          if (problem != null) {
            if (skipInvalid) continue;
            throw new InvalidRowException(problem, TaskContext.getPartitionId(), rowIndex,
                "set handleInvalid=skip to drop such rows");
          }
          rowIndices[batch.size()] = rowIndex;
          batch.add(row);
        }
        if (!batch.isEmpty()) pending.addAll(scoreBatch(batch, rowIndices, standardized(batch), predictive));
      }
    };
  }

  private float[] standardized(List<Row> batch) {
    int d = spec.numFeatures;
    float[] x = new float[batch.size() * d];
    for (int i = 0; i < batch.size(); i++) standardization.features((Vector) batch.get(i).get(featuresIndex), x, i * d);
    return x;
  }

  /** The input row's values followed by {@code extra} empty slots for the appended columns. */
  static Object[] widen(Row row, int extra) {
    Object[] values = new Object[row.length() + extra];
    for (int c = 0; c < row.length(); c++) values[c] = row.get(c);
    return values;
  }
}
