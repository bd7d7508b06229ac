package org.sparkbnn.ml;

import org.apache.spark.ml.param.Param;

/**
 * Params of {@link BayesByBackpropClassifier} and {@link BayesByBackpropClassificationModel} beyond the shared
 * ones and Spark's probabilistic-classifier Params: the optional uncertainty columns ({@link ClassifierParamSet}).
 */
public interface BayesByBackpropClassifierParams extends BayesByBackpropParams {

  /** The owning stage's classification Param objects. */
  ClassifierParamSet classifierParams();

  default Param<String> probabilityVarianceCol() { return classifierParams().probabilityVarianceCol; }
  default Param<String> predictiveEntropyCol() { return classifierParams().predictiveEntropyCol; }
  default Param<String> expectedEntropyCol() { return classifierParams().expectedEntropyCol; }
  default Param<String> mutualInformationCol() { return classifierParams().mutualInformationCol; }

  default String getProbabilityVarianceCol() { return getOrDefault(probabilityVarianceCol()); }
  default String getPredictiveEntropyCol() { return getOrDefault(predictiveEntropyCol()); }
  default String getExpectedEntropyCol() { return getOrDefault(expectedEntropyCol()); }
  default String getMutualInformationCol() { return getOrDefault(mutualInformationCol()); }
}
