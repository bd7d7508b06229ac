package org.sparkbnn.ml;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.ml.param.shared.HasFeaturesCol;
import org.apache.spark.ml.param.shared.HasLabelCol;
import org.sparkbnn.bayes.EnsembleSamples;
import org.sparkbnn.bayes.GaussianPrior;
import org.sparkbnn.bayes.GradientEstimator;
import org.sparkbnn.bayes.KlWeighting;
import org.sparkbnn.bayes.Prior;
import org.sparkbnn.bayes.ScaleMixturePrior;

/**
 * A fit's configuration: every Param that training reads, resolved once from the estimator (choice values in
 * their canonical spelling, enums parsed) and passed down, so that the trainer, the objective, the checkpoint
 * fingerprint and the log lines cannot see different values. Scoring Params (predictSamples, output columns) are
 * not here: the model reads them when it scores.
 */
record FitSettings(
    String featuresCol, String labelCol, String likelihood, double calibrationFraction,
    int[] hiddenLayers, String activation,
    String prior, double priorSigma, double priorPi, double priorSigma1, double priorSigma2, double posteriorRhoInit,
    GradientEstimator estimator, KlWeighting klWeighting, double klScale, double learningRate, int batchSize,
    int maxEpochs, int maxSteps, int minSteps, boolean earlyStopping, int lengthDoublings, int trainSamples,
    int ensembleSize, long seed,
    boolean skipInvalid, double maxBlockSizeInMB,
    String checkpointDir, int checkpointInterval, String syncMode, long collectiveTimeoutMillis,
    boolean allowUnencryptedGradients, String kernel, String initialModelPath, boolean priorFromModel,
    String reportDir) {

  /**
   * The estimator's settings after the checks that need no data (Param combinations, the initial model's
   * configuration), which its transformSchema runs so that a Pipeline fails before fitting its earlier stages.
   */
  static <E extends BayesByBackpropParams & HasFeaturesCol & HasLabelCol> FitSettings checked(
      E estimator, FittedNetwork initialModel) {
    FitSettings settings = of(estimator);
    ModelSpec.checkTrainingParams(settings);
    InitialModel.checkConfigured(settings, initialModel);
    return settings;
  }

  static <E extends BayesByBackpropParams & HasFeaturesCol & HasLabelCol> FitSettings of(E p) {
    String likelihood = p instanceof BayesByBackpropRegressorParams r ? r.getLikelihood() : ModelSpec.CATEGORICAL;
    return new FitSettings(p.getFeaturesCol(), p.getLabelCol(), likelihood, p.getCalibrationFraction(),
        p.getHiddenLayers().clone(), p.getActivation(), p.getPrior(), p.getPriorSigma(),
        p.getPriorPi(), p.getPriorSigma1(), p.getPriorSigma2(), p.getPosteriorRhoInit(),
        GradientEstimator.parse(p.getEstimator()), KlWeighting.parse(p.getKlWeighting()), p.getKlScale(),
        p.getLearningRate(), p.getBatchSize(), p.getMaxEpochs(), p.getMaxSteps(), p.getMinSteps(), p.getEarlyStopping(),
        p.getLengthDoublings(), p.getTrainSamples(), p.getEnsembleSize(), p.getSeed(),
        "skip".equals(p.getHandleInvalid()),
        p.getMaxBlockSizeInMB(), p.getCheckpointDir(), p.getCheckpointInterval(), p.getSyncMode(),
        p.getCollectiveTimeout() * 1000L, p.getAllowUnencryptedGradients(), p.getKernel(), p.getInitialModelPath(),
        p.getPriorFromModel(), p.getReportDir());
  }

  /**
   * The settings of ensemble member {@code k} of {@code ensembleSize}: its own seed (member 0 keeps the fit's, so
   * an ensemble's first member is the model a fit of one would give) and, with checkpoints, its own subdirectory.
   */
  FitSettings member(int k) {
    if (ensembleSize == 1) return this;
    return part(likelihood, calibrationFraction, klScale, length(), 1, EnsembleSamples.memberSeed(seed, k),
        "member-" + k);
  }

  /**
   * The settings with {@code likelihood} in place of the Param's value (likelihood=auto fits each candidate) and,
   * with checkpoints, a subdirectory of its own, so that the candidates' checkpoints do not meet.
   */
  FitSettings withLikelihood(String likelihood) {
    return part(likelihood, calibrationFraction, klScale, length(), ensembleSize, seed, "likelihood-" + likelihood);
  }

  /** The settings with {@code klScale} in place of the Param's value (alternativeKlScale fits both), as above. */
  FitSettings withKlScale(double klScale) {
    return part(likelihood, calibrationFraction, klScale, length(), ensembleSize, seed, "klScale-" + klScale);
  }

  /**
   * The classifier's refit on all rows (refitOnAllRows) after held-out rows chose {@code klScale} and {@code epochs}:
   * nothing held out, and exactly that many epochs (no minSteps, no lengthDoublings or earlyStopping, which have
   * nothing left to judge by), with a checkpoint subdirectory of its own.
   */
  FitSettings onAllRows(double klScale, int epochs) {
    return part(likelihood, 0, klScale, new Length(epochs, 0, false, 0), ensembleSize, seed, "all-rows");
  }

  /** How long a fit trains: maxEpochs, minSteps, earlyStopping and lengthDoublings. */
  private record Length(int maxEpochs, int minSteps, boolean earlyStopping, int lengthDoublings) {}

  private Length length() {
    return new Length(maxEpochs, minSteps, earlyStopping, lengthDoublings);
  }

  /** A part of this fit (a member, a candidate, the refit) with its own checkpoint subdirectory and these values. */
  private FitSettings part(String likelihood, double calibrationFraction, double klScale, Length length,
                           int ensembleSize, long seed, String checkpointSubdirectory) {
    return new FitSettings(featuresCol, labelCol, likelihood, calibrationFraction, hiddenLayers, activation, prior,
        priorSigma, priorPi, priorSigma1, priorSigma2, posteriorRhoInit, estimator, klWeighting, klScale,
        learningRate, batchSize, length.maxEpochs, maxSteps, length.minSteps, length.earlyStopping,
        length.lengthDoublings, trainSamples, ensembleSize, seed, skipInvalid, maxBlockSizeInMB,
        checkpointDir.isEmpty() ? "" : checkpointDir + "/" + checkpointSubdirectory, checkpointInterval, syncMode,
        collectiveTimeoutMillis, allowUnencryptedGradients, kernel, initialModelPath, priorFromModel, reportDir);
  }

  /** The prior the Params name (priorFromModel aside: the initial model's posterior replaces it). */
  Prior namedPrior() {
    return "scaleMixture".equals(prior)
        ? new ScaleMixturePrior(priorPi, priorSigma1, priorSigma2)
        : new GaussianPrior(priorSigma);
  }

  /**
   * The Params that change the optimisation path, by Param name, as the checkpoint fingerprint has always
   * recorded them (a checkpoint written before this record existed still matches). maxEpochs, maxSteps and
   * minSteps are left out, so a fit with more epochs continues a finished shorter one. klScale is recorded when it is
   * not 1, the value of every fit before it existed.
   */
  Map<String, String> optimisationPath() {
    Object[] pairs = {"prior", prior, "priorSigma", priorSigma, "priorPi", priorPi, "priorSigma1", priorSigma1,
        "priorSigma2", priorSigma2, "posteriorRhoInit", posteriorRhoInit, "estimator", estimator.paramValue(),
        "klWeighting", klWeighting.paramValue(), "learningRate", learningRate, "batchSize", batchSize,
        "trainSamples", trainSamples, "seed", seed, "priorFromModel", priorFromModel};
    Map<String, String> f = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) f.put((String) pairs[i], String.valueOf(pairs[i + 1]));
    if (klScale != 1.0) f.put("klScale", String.valueOf(klScale));
    return f;
  }

  @Override public int[] hiddenLayers() { return hiddenLayers.clone(); }

  /** name=value for every setting, in declaration order: the fit's one log line of its configuration. */
  @Override public String toString() {
    return Arrays.stream(FitSettings.class.getRecordComponents()).map(c -> {
      try {
        Object v = c.getAccessor().invoke(this);
        return c.getName() + "=" + (v instanceof int[] ? Arrays.toString((int[]) v) : v);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }).collect(Collectors.joining(", "));
  }
}
