package org.sparkbnn.ml;

/** Setters of the classifier's uncertainty columns, for the classifier and its model ({@code T}: the stage). */
@SuppressWarnings("unchecked")
public interface ClassificationColumnSetters<T extends ClassificationColumnSetters<T>>
    extends BayesByBackpropClassifierParams {
  default T setProbabilityVarianceCol(String v) { set(probabilityVarianceCol(), v); return (T) this; }
  default T setPredictiveEntropyCol(String v) { set(predictiveEntropyCol(), v); return (T) this; }
  default T setExpectedEntropyCol(String v) { set(expectedEntropyCol(), v); return (T) this; }
  default T setMutualInformationCol(String v) { set(mutualInformationCol(), v); return (T) this; }
}
