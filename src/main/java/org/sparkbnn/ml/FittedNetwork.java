package org.sparkbnn.ml;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkbnn.train.EpochSummary;
import org.sparkbnn.train.FeatureValidation;
import org.sparkbnn.train.InvalidInputException;
import org.sparkbnn.train.Standardization;

/**
 * What a fit produces and a fitted model carries, whether it regresses or classifies: the network's shape, its
 * flat posterior parameters (layout: {@link org.sparkbnn.bayes.NetworkArchitecture}), the standardisation and
 * the per-epoch history. Persisted by {@link ModelData}.
 */
final class FittedNetwork implements Serializable {
  private static final long serialVersionUID = 1L;

  final ModelSpec spec;
  final double[] theta;
  final Standardization standardization;
  final List<EpochSummary> history;

  FittedNetwork(ModelSpec spec, double[] theta, Standardization standardization, List<EpochSummary> history) {
    this.spec = spec;
    this.theta = theta;
    this.standardization = standardization;
    this.history = List.copyOf(history);
  }

  /** One row's standardised features as a 1 x numFeatures matrix, or an error naming the column. */
  INDArray standardizedRow(Vector features, String featuresCol) {
    String problem = FeatureValidation.problem(features, featuresCol, spec.numFeatures, null);
    if (problem != null) throw new InvalidInputException(problem);
    float[] x = new float[spec.numFeatures];
    standardization.features(features, x, 0);
    return Nd4j.create(x, new long[] {1, x.length}, 'c');
  }
}
