package org.sparkbnn.ml;

import static org.sparkbnn.ml.ParamDefinitions.*;

import java.io.Serializable;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The shared Params of a Bayes-by-Backprop stage (network, prior, posterior, trainer, scoring), each with its
 * default set right after it, created for (and owned by) one stage.
 */
public final class BayesByBackpropParamSet implements Serializable {
  private static final long serialVersionUID = 1L;

  final IntArrayParam hiddenLayers;
  final Param<String> activation;
  final Param<String> prior;
  final DoubleParam priorSigma;
  final DoubleParam priorPi;
  final DoubleParam priorSigma1;
  final DoubleParam priorSigma2;
  final DoubleParam posteriorRhoInit;
  final Param<String> estimator;
  final Param<String> klWeighting;
  final DoubleParam learningRate;
  final IntParam batchSize;
  final IntParam maxEpochs;
  final IntParam maxSteps;
  final IntParam trainSamples;
  final IntParam predictSamples;
  final LongParam seed;
  final Param<String> handleInvalid;
  final Param<String> checkpointDir;
  final IntParam checkpointInterval;
  final Param<String> syncMode;
  final IntParam collectiveTimeout;
  final BooleanParam allowUnencryptedGradients;
  final DoubleParam maxBlockSizeInMB;
  final Param<String> kernel;
  final Param<String> initialModelPath;
  final BooleanParam priorFromModel;
  final Param<String> reportDir;

  BayesByBackpropParamSet(Params owner) {
    hiddenLayers = layerSizes(owner, "hiddenLayers", "sizes of the hidden layers");
    owner.setDefault(hiddenLayers, new int[] {50});
    activation = choice(owner, "activation", "hidden-layer activation.", ACTIVATIONS);
    owner.setDefault(activation, "relu");
    prior = choice(owner, "prior", "prior over weights: N(0, priorSigma^2), or Blundell's scale mixture "
        + "priorPi N(0, priorSigma1^2) + (1 - priorPi) N(0, priorSigma2^2).", PRIORS);
    owner.setDefault(prior, "gaussian");
    priorSigma = positive(owner, "priorSigma", "standard deviation of the Gaussian prior");
    owner.setDefault(priorSigma, 1.0);
    priorPi = openUnitInterval(owner, "priorPi", "weight of the wide component of the scale-mixture prior");
    owner.setDefault(priorPi, 0.5);
    priorSigma1 = positive(owner, "priorSigma1", "standard deviation of the wide scale-mixture component");
    owner.setDefault(priorSigma1, 1.0);
    priorSigma2 = positive(owner, "priorSigma2", "standard deviation of the narrow scale-mixture component");
    owner.setDefault(priorSigma2, Math.exp(-6));
    posteriorRhoInit = finite(owner, "posteriorRhoInit",
        "initial rho of every weight; the initial posterior standard deviation is softplus(rho)");
    owner.setDefault(posteriorRhoInit, -5.0);
    estimator = choice(owner, "estimator", "gradient estimator: one shared weight sample per step, or the local "
        + "reparameterisation trick (needs prior=gaussian).", ESTIMATORS);
    owner.setDefault(estimator, "localReparameterization");
    klWeighting = choice(owner, "klWeighting", "how the KL term is spread over the steps of an epoch.",
        KL_WEIGHTINGS);
    owner.setDefault(klWeighting, "uniform");
    learningRate = positive(owner, "learningRate", "Adam step size");
    owner.setDefault(learningRate, 0.01);
    batchSize = atLeast(owner, "batchSize", "global minibatch size, split over partitions by their sizes", 1);
    owner.setDefault(batchSize, 128);
    maxEpochs = atLeast(owner, "maxEpochs", "number of passes over the data (N / batchSize steps each)", 1);
    owner.setDefault(maxEpochs, 100);
    maxSteps = atLeast(owner, "maxSteps", "cap on the number of training steps whichever maxEpochs asks for, so"
        + " that large data sets train in bounded time; 0 = no cap", 0);
    owner.setDefault(maxSteps, 5000);
    trainSamples = atLeast(owner, "trainSamples", "Monte-Carlo weight samples per training step", 1);
    owner.setDefault(trainSamples, 1);
    predictSamples = atLeast(owner, "predictSamples", "Monte-Carlo weight samples used by transform", 1);
    owner.setDefault(predictSamples, 100);
    seed = ParamDefinitions.seed(owner);
    // One default for estimator and model alike, so a model's weight samples do not depend on how it was made.
    owner.setDefault(seed, (long) "spark-bnn".hashCode());
    handleInvalid = choice(owner, "handleInvalid", "rows with a null/NaN/infinite feature or label, or a "
        + "features vector of the wrong size: fail with an error, or skip them.", HANDLE_INVALID);
    owner.setDefault(handleInvalid, "error");

    checkpointDir = new Param<>(owner, "checkpointDir", "directory (any Hadoop file system) where training saves"
        + " its state every checkpointInterval epochs, and from which a repeated fit of the same configuration"
        + " and data resumes; empty = no checkpoints", valid((String v) -> v != null));

    owner.setDefault(checkpointDir, "");
    checkpointInterval = atLeast(owner, "checkpointInterval", "epochs between checkpoints", 1);
    owner.setDefault(checkpointInterval, 10);
    syncMode = choice(owner, "syncMode", "how the partitions' gradients are combined every step: collective (one"
        + " barrier stage for the whole fit, gradients all-reduced directly between the tasks), sparkJob (one"
        + " Spark job per step; works where barrier mode is refused, e.g. with dynamic allocation) or auto"
        + " (collective when the cluster allows it, else sparkJob, saying why). The model is the same either way.",
        SYNC_MODES);
    owner.setDefault(syncMode, "auto");
    collectiveTimeout = atLeast(owner, "collectiveTimeout", "seconds a task of a collective fit waits for another"
        + " (to start, or to send its part of a step) before the fit fails naming it", 1);
    owner.setDefault(collectiveTimeout, 300);
    allowUnencryptedGradients = new BooleanParam(owner, "allowUnencryptedGradients", "syncMode=collective sends"
        + " gradients between the tasks unencrypted (connections need a per-fit secret); with Spark's RPC"
        + " encryption or SSL on, auto uses sparkJob and collective needs this set to true");
    owner.setDefault(allowUnencryptedGradients, false);
    maxBlockSizeInMB = positive(owner, "maxBlockSizeInMB", "largest cached block of packed training rows (MB);"
        + " a partition packs into as many blocks as it needs, so none approaches Spark's 2 GB block limit."
        + " The model does not depend on it");
    owner.setDefault(maxBlockSizeInMB, 128.0);
    kernel = choice(owner, "kernel", "what computes training steps and scoring: fused (a fused CPU kernel on"
        + " OpenBLAS), nd4j (ND4J array ops; runs on the CUDA backend) or auto (fused on the CPU backend, nd4j on"
        + " CUDA). The system property spark-bnn.kernel overrides it. Models agree to float32 rounding.", KERNELS);
    owner.setDefault(kernel, "auto");
    initialModelPath = new Param<>(owner, "initialModelPath", "a saved model of the same kind (or a PipelineModel"
        + " holding one) whose posterior the fit starts from, keeping its feature and label standardisation; its"
        + " feature count, network shape, activation, likelihood and classes must match this fit's. Empty = start"
        + " from the initialisation", valid((String v) -> v != null));
    owner.setDefault(initialModelPath, "");
    priorFromModel = new BooleanParam(owner, "priorFromModel", "with an initial model: true makes its posterior"
        + " N(mu, softplus(rho)^2), per weight, this fit's prior (sequential Bayesian updating; replaces prior,"
        + " including scaleMixture, and allows the local reparameterisation trick with either); false starts from"
        + " it under the usual prior (a warm start)");
    owner.setDefault(priorFromModel, false);
    reportDir = new Param<>(owner, "reportDir", "directory (any Hadoop file system) where every fit writes its"
        + " report, <uid>-<time>.html: training curves, predictive and calibration charts on a sample of the"
        + " training rows, the Params, data summary, timings and provenance; empty = no report. A report that"
        + " cannot be written is a warning, not a failed fit",
        valid((String v) -> v != null));
    owner.setDefault(reportDir, "");
  }
}
