package org.sparkbnn.ml;

/** Setters of the Params only a fit reads, written once for both estimators ({@code T}: the estimator). */
@SuppressWarnings("unchecked")
public interface TrainingSetters<T extends TrainingSetters<T>> extends ScoringSetters<T> {
  default T setHiddenLayers(int... v) { set(hiddenLayers(), v); return (T) this; }
  default T setActivation(String v) { set(activation(), v); return (T) this; }
  default T setPrior(String v) { set(prior(), v); return (T) this; }
  default T setPriorSigma(double v) { set(priorSigma(), v); return (T) this; }
  default T setPriorPi(double v) { set(priorPi(), v); return (T) this; }
  default T setPriorSigma1(double v) { set(priorSigma1(), v); return (T) this; }
  default T setPriorSigma2(double v) { set(priorSigma2(), v); return (T) this; }
  default T setPosteriorRhoInit(double v) { set(posteriorRhoInit(), v); return (T) this; }
  default T setEstimator(String v) { set(estimator(), v); return (T) this; }
  default T setKlWeighting(String v) { set(klWeighting(), v); return (T) this; }
  default T setLearningRate(double v) { set(learningRate(), v); return (T) this; }
  default T setBatchSize(int v) { set(batchSize(), v); return (T) this; }
  default T setMaxEpochs(int v) { set(maxEpochs(), v); return (T) this; }
  default T setMaxSteps(int v) { set(maxSteps(), v); return (T) this; }
  default T setTrainSamples(int v) { set(trainSamples(), v); return (T) this; }
  default T setCheckpointDir(String v) { set(checkpointDir(), v); return (T) this; }
  default T setCheckpointInterval(int v) { set(checkpointInterval(), v); return (T) this; }
  default T setSyncMode(String v) { set(syncMode(), v); return (T) this; }
  default T setCollectiveTimeout(int v) { set(collectiveTimeout(), v); return (T) this; }
  default T setAllowUnencryptedGradients(boolean v) { set(allowUnencryptedGradients(), v); return (T) this; }
  default T setMaxBlockSizeInMB(double v) { set(maxBlockSizeInMB(), v); return (T) this; }
  default T setInitialModelPath(String v) { set(initialModelPath(), v); return (T) this; }
  default T setPriorFromModel(boolean v) { set(priorFromModel(), v); return (T) this; }
  default T setReportDir(String v) { set(reportDir(), v); return (T) this; }
  default T setCalibrationFraction(double v) { set(calibrationFraction(), v); return (T) this; }
}
