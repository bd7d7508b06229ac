package org.sparkbnn.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.sparkbnn.bayes.CategoricalPredictive;
import org.sparkbnn.bayes.CategoricalPredictive.ClassPredictions;

/**
 * Appends the classifier's columns, in the order of the output schema: Spark's prediction, rawPrediction
 * (log p-bar, so that softmax(rawPrediction) = probability exactly) and probability (p-bar), both
 * temperature-scaled when the model is calibrated, then the optional per-class variance and entropy columns (the
 * posterior samples' own, unscaled).
 */
final class ClassificationScorer extends BatchScorer<CategoricalPredictive> {
  private static final long serialVersionUID = 1L;

  enum Output { PREDICTION, RAW_PREDICTION, PROBABILITY, PROBABILITY_VARIANCE, PREDICTIVE_ENTROPY,
    EXPECTED_ENTROPY, MUTUAL_INFORMATION }

  private final Output[] outputs;
  /** Spark's thresholds (null if unset): predict argmax_k p_k / t_k. */
  private final double[] thresholds;

  ClassificationScorer(FittedNetwork fitted, StructType inputSchema, BayesByBackpropClassificationModel params,
                       Output[] outputs, double[] thresholds) {
    super(fitted, inputSchema, params, params.getFeaturesCol());
    this.outputs = outputs.clone();
    this.thresholds = thresholds == null ? null : thresholds.clone();
  }

  @Override
  CategoricalPredictive predictive() {
    return new CategoricalPredictive(sampledNetworks(), spec.network().likelihood());
  }

  @Override
  List<InternalRow> scoreBatch(List<InternalRow> batch, Vector[] features, long[] rowIndices, float[] x,
                               CategoricalPredictive predictive) {
    ClassPredictions p = predictive.predict(x, batch.size());
    int k = p.numClasses;
    fitted.temperature.apply(p.logProbability, p.probability, batch.size(), k);
    List<InternalRow> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      int from = i * k;
      double[] probability = Arrays.copyOfRange(p.probability, from, from + k);
      for (int c = 0; c < k; c++) {
        if (!Double.isFinite(p.logProbability[from + c])) {
          throw notFinite("log p-bar " + Arrays.toString(Arrays.copyOfRange(p.logProbability, from, from + k)),
              features[i], rowIndices[i]);
        }
      }
      Object[] values = new Object[outputs.length];
      int c = 0;
      for (Output o : outputs) {
        values[c++] = switch (o) {
          case PREDICTION -> predict(probability, thresholds);
          case RAW_PREDICTION ->
              InternalRows.value(Vectors.dense(Arrays.copyOfRange(p.logProbability, from, from + k)));
          case PROBABILITY -> InternalRows.value(Vectors.dense(probability));
          case PROBABILITY_VARIANCE ->
              InternalRows.value(Vectors.dense(Arrays.copyOfRange(p.probabilityVariance, from, from + k)));
          case PREDICTIVE_ENTROPY -> p.predictiveEntropy[i];
          case EXPECTED_ENTROPY -> p.expectedEntropy[i];
          case MUTUAL_INFORMATION -> p.mutualInformation[i];
        };
      }
      out.add(InternalRows.append(batch.get(i), values));
    }
    return out;
  }

  /** Spark's rule: argmax p_k, or argmax p_k / t_k with thresholds (t_k = 0 wins outright); ties to the lowest k. */
  static double predict(double[] probability, double[] thresholds) {
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < probability.length; c++) {
      double score = thresholds == null ? probability[c]
          : thresholds[c] == 0 ? Double.POSITIVE_INFINITY : probability[c] / thresholds[c];
      if (score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    return best;
  }
}
