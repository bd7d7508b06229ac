package org.sparkbnn.ml;

import java.io.Serializable;
import org.sparkbnn.bayes.Activation;
import org.sparkbnn.bayes.BayesianMlp;
import org.sparkbnn.bayes.CategoricalLikelihood;
import org.sparkbnn.bayes.ElboObjective;
import org.sparkbnn.bayes.GaussianLikelihood;
import org.sparkbnn.bayes.GaussianPrior;
import org.sparkbnn.bayes.Likelihood;
import org.sparkbnn.bayes.NetworkArchitecture;
import org.sparkbnn.bayes.PosteriorPrior;
import org.sparkbnn.bayes.Prior;
import org.sparkbnn.compute.ComputeKernel;
import org.sparkbnn.compute.TaskCompute;
import org.sparkbnn.train.TrainingConfig;

/**
 * The fixed shape of a fitted network (what the parameter vector means): stored with the model, so that
 * changing a Param on a fitted model can never reinterpret its weights.
 */
final class ModelSpec implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Initial homoscedastic noise variance in standardised label units. */
  private static final double INITIAL_NOISE_VARIANCE = 0.1;

  /** The likelihoods' names, as the likelihood Param spells them (categorical: the classifier's). */
  static final String HOMOSCEDASTIC = "homoscedastic";
  static final String HETEROSCEDASTIC = "heteroscedastic";
  static final String CATEGORICAL = "categorical";
  /** What {@link #noiseModel} says of likelihood=auto's mixture of both Gaussian noise models. */
  static final String MIXTURE = "mixture";

  final int numFeatures;
  final int[] hiddenLayers;
  final String activation;
  /** homoscedastic or heteroscedastic (Gaussian), or categorical. */
  final String likelihood;
  /** Number of classes of a categorical likelihood; 0 for regression. */
  final int numClasses;
  /**
   * Ensemble members (ensembleSize): the parameter vector holds this many networks' parameters, one after the
   * other ({@link #member}).
   */
  final int members;
  /**
   * In likelihood=auto's mixture (a heteroscedastic ensemble; {@link #mixture}), how many of the first members are
   * homoscedastic fits written with a constant noise output
   * ({@link org.sparkbnn.bayes.ConstantNoiseOutput}); 0 otherwise.
   */
  final int homoscedasticMembers;

  ModelSpec(int numFeatures, int[] hiddenLayers, String activation, String likelihood, int numClasses,
            int members) {
    this(numFeatures, hiddenLayers, activation, likelihood, numClasses, members, 0);
  }

  ModelSpec(int numFeatures, int[] hiddenLayers, String activation, String likelihood, int numClasses,
            int members, int homoscedasticMembers) {
    if (members < 1) throw new IllegalArgumentException("an ensemble needs at least one member, got " + members);
    if (homoscedasticMembers < 0 || homoscedasticMembers >= members
        || homoscedasticMembers > 0 && !HETEROSCEDASTIC.equals(likelihood)) {
      throw new IllegalArgumentException(homoscedasticMembers + " homoscedastic members in a " + likelihood
          + " ensemble of " + members);
    }
    this.numFeatures = numFeatures;
    this.hiddenLayers = hiddenLayers.clone();
    this.activation = activation;
    this.likelihood = likelihood;
    this.numClasses = numClasses;
    this.members = members;
    this.homoscedasticMembers = homoscedasticMembers;
  }

  static ModelSpec regression(FitSettings s, int numFeatures) {
    return new ModelSpec(numFeatures, s.hiddenLayers(), s.activation(), s.likelihood(), 0, s.ensembleSize());
  }

  static ModelSpec classification(FitSettings s, int numFeatures, int numClasses) {
    return new ModelSpec(numFeatures, s.hiddenLayers(), s.activation(), CATEGORICAL, numClasses,
        s.ensembleSize());
  }

  /** The same network as a single member (what each member's fit trains). */
  ModelSpec singleMember() {
    return members == 1 ? this : new ModelSpec(numFeatures, hiddenLayers, activation, likelihood, numClasses, 1);
  }

  /**
   * The ensemble of a homoscedastic fit's members (first) and a heteroscedastic fit's of the same network, all
   * written as heteroscedastic networks.
   */
  static ModelSpec mixture(ModelSpec homoscedastic, ModelSpec heteroscedastic) {
    return new ModelSpec(heteroscedastic.numFeatures, heteroscedastic.hiddenLayers, heteroscedastic.activation,
        HETEROSCEDASTIC, 0, homoscedastic.members + heteroscedastic.members, homoscedastic.members);
  }

  /** The noise model as a user names it: the likelihood, or {@link #MIXTURE}. */
  String noiseModel() {
    return homoscedasticMembers > 0 ? MIXTURE : likelihood;
  }

  /** Length of the parameter vector: every member's network. */
  int numParameters() {
    return members * network().numParameters();
  }

  /** Member k's parameters in the vector {@code theta} of all of them. */
  double[] member(double[] theta, int k) {
    int n = network().numParameters();
    return java.util.Arrays.copyOfRange(theta, k * n, (k + 1) * n);
  }

  /**
   * Fails on an invalid combination of training Params (e.g. the local reparameterisation trick with the
   * scale-mixture prior) before any data is read, by building the objective for a one-input network.
   */
  static void checkTrainingParams(FitSettings s) {
    new ModelSpec(1, s.hiddenLayers(), s.activation(), HOMOSCEDASTIC, 0, 1).trainingConfig(s, null);
  }

  boolean isClassification() { return CATEGORICAL.equals(likelihood); }

  BayesianMlp network() {
    Likelihood lik;
    if (isClassification()) lik = new CategoricalLikelihood(numClasses);
    else if (HETEROSCEDASTIC.equalsIgnoreCase(likelihood)) lik = GaussianLikelihood.heteroscedastic();
    else lik = GaussianLikelihood.homoscedastic(INITIAL_NOISE_VARIANCE);
    return new BayesianMlp(
        new NetworkArchitecture(numFeatures, hiddenLayers, lik.numOutputs(), Activation.parse(activation)), lik);
  }

  /**
   * The objective and optimiser settings named by the estimator's Params (of one member: {@link
   * FitSettings#member}); with an {@code initial} network (null for none; one member), training starts from its
   * posterior, which is also the prior when priorFromModel is set.
   */
  TrainingConfig trainingConfig(FitSettings s, FittedNetwork initial) {
    // ElboObjective refuses estimator=localReparameterization with a prior that has no closed-form KL.
    ElboObjective objective = new ElboObjective(network(), prior(s, initial), s.estimator(), s.trainSamples(),
        s.seed());
    TrainingConfig config = new TrainingConfig(objective, s.batchSize(), s.maxEpochs(), s.maxSteps(), s.minSteps(),
        s.learningRate(), s.klWeighting(), s.klScale(), s.posteriorRhoInit(),
        ComputeKernel.resolve(s.kernel(), TaskCompute.backendName()));
    return initial == null ? config : config.startingFrom(initial.theta);
  }

  private Prior prior(FitSettings s, FittedNetwork initial) {
    if (s.priorFromModel()) {
      // Before the initial model is read (checkTrainingParams), a Gaussian stands in for its posterior: both are
      // per-weight Gaussians with a closed-form KL, so both gradient estimators accept them.
      return initial == null ? new GaussianPrior(1) : PosteriorPrior.of(network().architecture(), initial.theta);
    }
    return s.namedPrior();
  }
}
