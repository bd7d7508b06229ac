package org.sparkbnn.ml;

import static org.sparkbnn.ml.ParamDefinitions.*;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Params of the network, prior, posterior and trainer, shared by the regressor, the classifier and their models.
 * The accessors are default methods, so Spark's reflective Param discovery finds them on every stage class and
 * each Param is defined once ({@link BayesByBackpropParamSet}).
 */
public interface BayesByBackpropParams extends Params {

  /** The owning stage's Param objects. */
  BayesByBackpropParamSet bnnParams();

  default IntArrayParam hiddenLayers() { return bnnParams().hiddenLayers; }
  default Param<String> activation() { return bnnParams().activation; }
  default Param<String> prior() { return bnnParams().prior; }
  default DoubleParam priorSigma() { return bnnParams().priorSigma; }
  default DoubleParam priorPi() { return bnnParams().priorPi; }
  default DoubleParam priorSigma1() { return bnnParams().priorSigma1; }
  default DoubleParam priorSigma2() { return bnnParams().priorSigma2; }
  default DoubleParam posteriorRhoInit() { return bnnParams().posteriorRhoInit; }
  default Param<String> estimator() { return bnnParams().estimator; }
  default Param<String> klWeighting() { return bnnParams().klWeighting; }
  default DoubleParam learningRate() { return bnnParams().learningRate; }
  default IntParam batchSize() { return bnnParams().batchSize; }
  default IntParam maxEpochs() { return bnnParams().maxEpochs; }
  default IntParam maxSteps() { return bnnParams().maxSteps; }
  default IntParam trainSamples() { return bnnParams().trainSamples; }
  default IntParam predictSamples() { return bnnParams().predictSamples; }
  default LongParam seed() { return bnnParams().seed; }
  default Param<String> handleInvalid() { return bnnParams().handleInvalid; }
  default Param<String> checkpointDir() { return bnnParams().checkpointDir; }
  default IntParam checkpointInterval() { return bnnParams().checkpointInterval; }
  default Param<String> syncMode() { return bnnParams().syncMode; }
  default IntParam collectiveTimeout() { return bnnParams().collectiveTimeout; }
  default BooleanParam allowUnencryptedGradients() { return bnnParams().allowUnencryptedGradients; }
  default DoubleParam maxBlockSizeInMB() { return bnnParams().maxBlockSizeInMB; }
  default Param<String> kernel() { return bnnParams().kernel; }
  default Param<String> initialModelPath() { return bnnParams().initialModelPath; }
  default BooleanParam priorFromModel() { return bnnParams().priorFromModel; }
  default Param<String> reportDir() { return bnnParams().reportDir; }
  default DoubleParam calibrationFraction() { return bnnParams().calibrationFraction; }

  default int[] getHiddenLayers() { return getOrDefault(hiddenLayers()); }
  default String getActivation() { return canonical(getOrDefault(activation()), ACTIVATIONS); }
  default String getPrior() { return canonical(getOrDefault(prior()), PRIORS); }
  default double getPriorSigma() { return (Double) getOrDefault(priorSigma()); }
  default double getPriorPi() { return (Double) getOrDefault(priorPi()); }
  default double getPriorSigma1() { return (Double) getOrDefault(priorSigma1()); }
  default double getPriorSigma2() { return (Double) getOrDefault(priorSigma2()); }
  default double getPosteriorRhoInit() { return (Double) getOrDefault(posteriorRhoInit()); }
  default String getEstimator() { return canonical(getOrDefault(estimator()), ESTIMATORS); }
  default String getKlWeighting() { return canonical(getOrDefault(klWeighting()), KL_WEIGHTINGS); }
  default double getLearningRate() { return (Double) getOrDefault(learningRate()); }
  default int getBatchSize() { return (Integer) getOrDefault(batchSize()); }
  default int getMaxEpochs() { return (Integer) getOrDefault(maxEpochs()); }
  default int getMaxSteps() { return (Integer) getOrDefault(maxSteps()); }
  default int getTrainSamples() { return (Integer) getOrDefault(trainSamples()); }
  default int getPredictSamples() { return (Integer) getOrDefault(predictSamples()); }
  default long getSeed() { return (Long) getOrDefault(seed()); }
  default String getHandleInvalid() { return canonical(getOrDefault(handleInvalid()), HANDLE_INVALID); }
  default String getCheckpointDir() { return getOrDefault(checkpointDir()); }
  default int getCheckpointInterval() { return (Integer) getOrDefault(checkpointInterval()); }
  default String getSyncMode() { return canonical(getOrDefault(syncMode()), SYNC_MODES); }
  default int getCollectiveTimeout() { return (Integer) getOrDefault(collectiveTimeout()); }
  default boolean getAllowUnencryptedGradients() { return (Boolean) getOrDefault(allowUnencryptedGradients()); }
  default double getMaxBlockSizeInMB() { return (Double) getOrDefault(maxBlockSizeInMB()); }
  default String getKernel() { return canonical(getOrDefault(kernel()), KERNELS); }
  default String getInitialModelPath() { return getOrDefault(initialModelPath()); }
  default boolean getPriorFromModel() { return (Boolean) getOrDefault(priorFromModel()); }
  default String getReportDir() { return getOrDefault(reportDir()); }
  default double getCalibrationFraction() { return (Double) getOrDefault(calibrationFraction()); }

  default boolean skipInvalid() { return "skip".equalsIgnoreCase(getHandleInvalid()); }
}
