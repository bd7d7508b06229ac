package org.sparkbnn.ml;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkbnn.bayes.Activation;
import org.sparkbnn.bayes.GradientEstimator;
import org.sparkbnn.bayes.KlWeighting;
import org.sparkbnn.compute.ComputeKernel;
import org.sparkbnn.ml.paramgen.ParamInterfaces;
import org.sparkbnn.ml.paramgen.ParamInterfaces.FitOnly;

/**
 * The Params every Bayes-by-Backprop stage has (network, prior, posterior, trainer, scoring), each declared in one
 * statement with its doc, validator and default; a stage owns one {@link RegressorParamSet} or
 * {@link ClassifierParamSet}, which add their own. Generated from these declarations: {@code BayesByBackpropParams}
 * (accessors and getters, on all four stages), {@code ScoringSetters} (both estimators and both models) and
 * {@code TrainingSetters} (the {@link FitOnly} Params; both estimators).
 */
@ParamInterfaces(accessors = "BayesByBackpropParams", owner = "paramSet", setters = "ScoringSetters",
    fitSetters = "TrainingSetters")
public abstract class BayesByBackpropParamSet extends ParamSet {
  private static final long serialVersionUID = 1L;
  // The allowed values of the Params that name an enum come from the enum.
  private static final String[] ACTIVATIONS = Arrays.stream(Activation.values())
      .map(a -> a.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
  private static final String[] ESTIMATORS = Arrays.stream(GradientEstimator.values())
      .map(GradientEstimator::paramValue).toArray(String[]::new);
  private static final String[] KL_WEIGHTINGS = Arrays.stream(KlWeighting.values())
      .map(KlWeighting::paramValue).toArray(String[]::new);

  @FitOnly
  final IntArrayParam hiddenLayers = layerSizes("hiddenLayers", "sizes of the hidden layers", new int[] {50});
  @FitOnly
  final ChoiceParam activation = choice("activation", "hidden-layer activation.", ACTIVATIONS, "relu");
  @FitOnly
  final ChoiceParam prior = choice("prior", "prior over weights: N(0, priorSigma^2), or Blundell's scale mixture"
      + " priorPi N(0, priorSigma1^2) + (1 - priorPi) N(0, priorSigma2^2).", new String[] {"gaussian", "scaleMixture"},
      "gaussian");
  @FitOnly
  final DoubleParam priorSigma = positive("priorSigma", "standard deviation of the Gaussian prior", 1.0);
  @FitOnly
  final DoubleParam priorPi = openUnitInterval("priorPi", "weight of the wide component of the scale-mixture prior",
      0.5);
  @FitOnly
  final DoubleParam priorSigma1 = positive("priorSigma1", "standard deviation of the wide scale-mixture component",
      1.0);
  @FitOnly
  final DoubleParam priorSigma2 = positive("priorSigma2", "standard deviation of the narrow scale-mixture component",
      Math.exp(-6));
  @FitOnly
  final DoubleParam posteriorRhoInit = finite("posteriorRhoInit", "initial rho of every weight; the initial"
      + " posterior standard deviation is softplus(rho)", -5.0);
  @FitOnly
  final ChoiceParam estimator = choice("estimator", "gradient estimator: one shared weight sample per step, or"
      + " the local reparameterisation trick (needs prior=gaussian).", ESTIMATORS, "localReparameterization");
  @FitOnly
  final ChoiceParam klWeighting = choice("klWeighting", "how the KL term is spread over the steps of an epoch.",
      KL_WEIGHTINGS, "uniform");
  @FitOnly
  final DoubleParam learningRate = positive("learningRate", "Adam step size", 0.003);
  @FitOnly
  final IntParam batchSize = atLeast("batchSize", "global minibatch size, split over partitions by their sizes",
      1, 128);
  @FitOnly
  final IntParam maxEpochs = atLeast("maxEpochs", "number of passes over the data (N / batchSize steps each)",
      1, 300);
  @FitOnly
  final IntParam maxSteps = atLeast("maxSteps", "cap on the number of training steps whichever maxEpochs asks for,"
      + " so that very large data sets train in bounded time (300 epochs of up to ~42,000 rows fit under the"
      + " default); 0 = no cap", 0, 100_000);
  @FitOnly
  final IntParam minSteps = atLeast("minSteps", "least number of training steps: a data set with fewer than"
      + " minSteps / maxEpochs steps per epoch trains for more epochs than maxEpochs, whole epochs until it has had"
      + " minSteps (Adam needs a number of steps to converge whatever the data size); maxSteps still caps;"
      + " 0 = maxEpochs alone", 0, 0);
  @FitOnly
  final BooleanParam earlyStopping = flag("earlyStopping", "with rows held out (calibrationFraction): keep, of the"
      + " parameters after 1/8, 1/4, 1/2 and all of the epochs the fit trains (maxEpochs, or more for minSteps),"
      + " those whose predictive scores the held-out rows best (log-likelihood), then calibrate on them; training"
      + " never sees those rows. Without held-out rows the fit warns and keeps its full length; a fit that"
      + " lengthDoublings lengthened keeps that length", false);
  @FitOnly
  final IntParam lengthDoublings = atLeast("lengthDoublings", "with rows held out (calibrationFraction): while the"
      + " fit is still improving on them (the held-out log-likelihood per row after its epochs beat that after half"
      + " as many by more than twice its standard error), every member trains as many epochs again, and the longer"
      + " fit is kept only if it beats the shorter by that margin; at most this many times, and never past maxSteps."
      + " Small, smooth data sets need many times the steps of maxEpochs; the held-out rows say when. 0 = the"
      + " length of maxEpochs (and minSteps) only", 0, 4);
  @FitOnly
  final IntParam trainSamples = atLeast("trainSamples", "Monte-Carlo weight samples per training step", 1, 1);
  @FitOnly
  final DoubleParam klScale = positive("klScale", "factor beta on the KL term of the objective, NLL + beta KL / N"
      + " per row: 1 is the ELBO; below 1 a tempered posterior that follows the data more closely (the defaults,"
      + " 0.3 for the regressor and 1 for the classifier, are chosen on public data sets: see the README's Accuracy"
      + " section)", defaultKlScale());
  @FitOnly
  final IntParam ensembleSize = atLeast("ensembleSize", "independently initialised posteriors fitted to the same"
      + " data, each a fit of its own (several at once where the task slots allow); the model's predictive is their"
      + " equal mixture (the weight samples of predictSamples are dealt to the members in turn)", 1,
      defaultEnsembleSize());
  final IntParam predictSamples = atLeast("predictSamples", "Monte-Carlo weight samples used by transform", 1, 100);
  // One default for estimator and model alike, so a model's weight samples do not depend on how it was made.
  final LongParam seed = seed((long) "spark-bnn".hashCode());
  final ChoiceParam handleInvalid = choice("handleInvalid", "rows with a null/NaN/infinite feature or label, or a"
      + " features vector of the wrong size: fail with an error, or skip them.", new String[] {"error", "skip"},
      "error");
  @FitOnly
  final Param<String> checkpointDir = text("checkpointDir", "directory (any Hadoop file system) where training"
      + " saves its state every checkpointInterval epochs, and from which a repeated fit of the same configuration"
      + " and data resumes; empty = no checkpoints", "");
  @FitOnly
  final IntParam checkpointInterval = atLeast("checkpointInterval", "epochs between checkpoints", 1, 10);
  @FitOnly
  final ChoiceParam syncMode = choice("syncMode", "how the partitions' gradients are combined every step:"
      + " collective (one barrier stage for the whole fit, gradients all-reduced directly between the tasks),"
      + " sparkJob (one Spark job per step; works where barrier mode is refused, e.g. with dynamic allocation) or"
      + " auto (collective when the cluster allows it, else sparkJob, saying why). The model is the same either"
      + " way.", new String[] {"auto", "collective", "sparkJob"}, "auto");
  @FitOnly
  final IntParam collectiveTimeout = atLeast("collectiveTimeout", "seconds a task of a collective fit waits for"
      + " another (to start, or to send its part of a step) before the fit fails naming it", 1, 300);
  @FitOnly
  final BooleanParam allowUnencryptedGradients = flag("allowUnencryptedGradients", "syncMode=collective sends"
      + " gradients between the tasks unencrypted (connections need a per-fit secret); with Spark's RPC encryption"
      + " or SSL on, auto uses sparkJob and collective needs this set to true", false);
  @FitOnly
  final DoubleParam maxBlockSizeInMB = positive("maxBlockSizeInMB", "largest cached block of packed training rows"
      + " (MB); a partition packs into as many blocks as it needs, so none approaches Spark's 2 GB block limit. The"
      + " model does not depend on it", 128.0);
  final ChoiceParam kernel = choice("kernel", "what computes training steps and scoring: fused (a fused CPU"
      + " kernel on OpenBLAS), nd4j (ND4J array ops; runs on the CUDA backend) or auto (fused on the CPU backend,"
      + " nd4j on CUDA). The system property spark-bnn.kernel overrides it. Models agree to float32 rounding.",
      ComputeKernel.PARAM_VALUES,
      "auto");
  @FitOnly
  final Param<String> initialModelPath = text("initialModelPath", "a saved model of the same kind (or a"
      + " PipelineModel holding one) whose posterior the fit starts from, keeping its feature and label"
      + " standardisation; its feature count, network shape, activation, likelihood and classes must match this"
      + " fit's. Empty = start from the initialisation", "");
  @FitOnly
  final BooleanParam priorFromModel = flag("priorFromModel", "with an initial model: true makes its posterior N(mu,"
      + " softplus(rho)^2), per weight, this fit's prior (sequential Bayesian updating; replaces prior, including"
      + " scaleMixture, and allows the local reparameterisation trick with either); false starts from it under the"
      + " usual prior (a warm start)", false);
  @FitOnly
  final DoubleParam calibrationFraction = fraction("calibrationFraction", "fraction of the training rows held out"
      + " (chosen by a hash of the row and the seed) to calibrate the predictive: they are validated but not trained"
      + " on. Regressor: the interval bounds become mean +- q sd with q the split-conformal quantile of their"
      + " |residual| / sd (mean and variance unchanged). Classifier: a temperature T, fitted to them by maximum"
      + " log-likelihood under a log-normal prior, scales the probability and rawPrediction columns to"
      + " softmax(log p-bar / T) (the argmax, variance and entropy columns are the posterior's own). 0 ="
      + " uncalibrated. With fewer than 20 held-out rows the model stays uncalibrated, and the log says so", 0.0,
      0.5, 0.1);
  @FitOnly
  final Param<String> reportDir = text("reportDir", "directory (any Hadoop file system) where every fit writes its"
      + " report, <uid>-<time>.html: training curves, predictive and calibration charts on a sample of the training"
      + " rows, the Params, data summary, timings and provenance; empty = no report. A report that cannot be"
      + " written is a warning, not a failed fit", "");

  BayesByBackpropParamSet(Params owner) {
    super(owner);
  }

  /**
   * The ensembleSize default of this kind of stage (chosen by what it measured on the bundled data sets: README,
   * Accuracy). A constant: it is read while the Params are declared.
   */
  abstract int defaultEnsembleSize();

  /** The klScale default of this kind of stage (as {@link #defaultEnsembleSize}). */
  abstract double defaultKlScale();
}
