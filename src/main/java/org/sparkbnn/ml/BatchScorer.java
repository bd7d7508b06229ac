package org.sparkbnn.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.sparkbnn.bayes.SampledNetworks;
import org.sparkbnn.compute.ComputeKernel;
import org.sparkbnn.input.FeatureAttributes;
import org.sparkbnn.input.FeatureValidation;
import org.sparkbnn.input.InvalidRowException;
import org.sparkbnn.input.Standardization;
import org.sparkbnn.compute.TaskCompute;

/**
 * Scores one partition in batches of {@value #BATCH_ROWS} rows, so that each batch is one standardised matrix
 * through the T sampled networks, and validates every row's features on the way (error naming the row, or
 * skip). Subclasses turn a batch's predictive into output rows: Spark's internal rows in and out
 * ({@link InternalRows}), the input's columns passed through unconverted.
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
    this.sourceColumns = FeatureAttributes.sourceColumns(inputSchema.apply(featuresCol));
    this.skipInvalid = "skip".equals(params.getHandleInvalid());
  }

  /** The predictive for one partition. */
  abstract P predictive();

  /**
   * Output rows (input columns followed by the appended ones, {@link InternalRows#append}) for a batch, its rows'
   * feature vectors and their standardised values; a prediction that is not finite fails through
   * {@link #notFinite}, naming the batch row.
   */
  abstract List<InternalRow> scoreBatch(List<InternalRow> batch, Vector[] features, long[] rowIndices, float[] x,
                                        P predictive);

  /** This partition's weight samples (drawn once per partition, from the model seed). */
  SampledNetworks sampledNetworks() {
    return fitted.samples(samples, seed, kernel);
  }

  /**
   * A prediction that overflowed: the features are so far from the training data that the network's output is
   * not a number. Never written; the row is named so that its features can be checked.
   */
  InvalidRowException notFinite(String what, Vector features, long rowIndex) {
    return new InvalidRowException("the prediction for features " + features + " is not finite (" + what
        + "): the features are too far outside the training data", TaskContext.getPartitionId(), rowIndex, "");
  }

  Iterator<InternalRow> score(Iterator<InternalRow> input) {
    TaskCompute.prepare();
    P predictive = predictive();
    return new Iterator<InternalRow>() {
      private final List<InternalRow> pending = new ArrayList<>();
      private int next;
      private long rowIndex = -1;

      @Override public boolean hasNext() {
        if (next < pending.size()) return true;
        pending.clear();
        next = 0;
        fill();
        return !pending.isEmpty();
      }

      @Override public InternalRow next() {
        if (!hasNext()) throw new NoSuchElementException();
        return pending.get(next++);
      }

      private void fill() {
        List<InternalRow> batch = new ArrayList<>(BATCH_ROWS);
        Vector[] features = new Vector[BATCH_ROWS];
        long[] rowIndices = new long[BATCH_ROWS];
        while (batch.size() < BATCH_ROWS && input.hasNext()) {
          InternalRow row = input.next();
          rowIndex++;
          Vector v = InternalRows.vector(row, featuresIndex);
          String problem = FeatureValidation.problem(v, featuresCol, spec.numFeatures, sourceColumns);
          if (problem != null) {
            if (skipInvalid) continue;
            throw new InvalidRowException(problem, TaskContext.getPartitionId(), rowIndex,
                "set handleInvalid=skip to drop such rows");
          }
          features[batch.size()] = v;
          rowIndices[batch.size()] = rowIndex;
          batch.add(row.copy()); // the input may reuse its row object for the next row
        }
        if (!batch.isEmpty()) {
          pending.addAll(scoreBatch(batch, features, rowIndices, standardized(features, batch.size()), predictive));
        }
      }
    };
  }

  private float[] standardized(Vector[] features, int rows) {
    int d = spec.numFeatures;
    float[] x = new float[rows * d];
    for (int i = 0; i < rows; i++) standardization.features(features[i], x, i * d);
    return x;
  }
}
