package org.sparkbnn.ml;

/**
 * Setters of the Params that scoring reads, written once for every stage that has them (both estimators, which
 * pass them to their models, and both models). {@code T} is the implementing stage, so calls chain.
 */
@SuppressWarnings("unchecked")
public interface ScoringSetters<T extends ScoringSetters<T>> extends BayesByBackpropParams {
  default T setPredictSamples(int v) { set(predictSamples(), v); return (T) this; }
  default T setKernel(String v) { set(kernel(), v); return (T) this; }
  default T setSeed(long v) { set(seed(), v); return (T) this; }
  default T setHandleInvalid(String v) { set(handleInvalid(), v); return (T) this; }
}
