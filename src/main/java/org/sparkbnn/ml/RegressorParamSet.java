package org.sparkbnn.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkbnn.ml.paramgen.ParamInterfaces;
import org.sparkbnn.ml.paramgen.ParamInterfaces.FitOnly;

/**
 * A regression stage's Params: the shared ones ({@link BayesByBackpropParamSet}) and, declared here, the
 * regression-only ones (likelihood, KL scale, variance and interval columns). Generated from these
 * declarations: {@code BayesByBackpropRegressorParams} (accessors and getters), {@code RegressionColumnSetters}
 * (the regressor and its model) and {@code RegressorTrainingSetters} (the regressor).
 */
@ParamInterfaces(accessors = "BayesByBackpropRegressorParams", accessorsExtend = "BayesByBackpropParams",
    owner = "paramSet", setters = "RegressionColumnSetters", fitSetters = "RegressorTrainingSetters")
public final class RegressorParamSet extends BayesByBackpropParamSet {
  private static final long serialVersionUID = 1L;

  final Param<String> varianceCol = column("varianceCol", "output column: predictive variance (epistemic +"
      + " aleatoric)", "variance");
  final Param<String> epistemicVarianceCol = column("epistemicVarianceCol", "output column: epistemic part of the"
      + " predictive variance (variance of the sampled means); empty = off", "");
  final Param<String> aleatoricVarianceCol = column("aleatoricVarianceCol", "output column: aleatoric part of the"
      + " predictive variance (mean noise variance); empty = off", "");
  final Param<String> lowerBoundCol = column("lowerBoundCol", "output column: lower end of the central"
      + " intervalLevel prediction interval; empty = off", "");
  final Param<String> upperBoundCol = column("upperBoundCol", "output column: upper end of the central"
      + " intervalLevel prediction interval; empty = off", "");
  final Param<String> logLikelihoodCol = column("logLikelihoodCol", "output column: log of the posterior"
      + " predictive density at the row's label (labelCol, which the input must then hold), from the mixture of the"
      + " weight samples' Gaussians, in the label's units; to score held-out rows; empty = off", "");
  final Param<String> labelCdfCol = column("labelCdfCol", "output column: the predictive's cumulative distribution"
      + " function at the row's label (labelCol, which the input must then hold), from the same mixture: the"
      + " probability integral transform, uniform on (0, 1) over rows for a calibrated predictive; empty = off", "");
  final DoubleParam intervalLevel = openUnitInterval("intervalLevel", "probability mass of the prediction interval,"
      + " mean +- q sqrt(variance): q the held-out (conformal) quantile of a calibrated model (calibrationFraction),"
      + " else the Gaussian quantile (a Gaussian approximation of the predictive)", 0.9);
  @FitOnly
  final ChoiceParam likelihood = choice("likelihood", "Gaussian noise model: one learned noise variance, a per-row"
      + " variance predicted by the network, or auto: both fitted and kept as their equal mixture (one ensemble of"
      + " both fits' members), unless one fit alone scores clearly higher on the held-out rows of calibrationFraction"
      + " (the model's fittedLikelihood says which was kept)",
      new String[] {ModelSpec.HOMOSCEDASTIC, ModelSpec.HETEROSCEDASTIC, LikelihoodChoice.AUTO}, LikelihoodChoice.AUTO);

  RegressorParamSet(Params owner) {
    super(owner);
  }

  /** Five: better held-out log-likelihood on five of six regression sets than one network (with klScale 0.5). */
  @Override int defaultEnsembleSize() { return 5; }

  /**
   * 0.3, with ensembleSize 5 and likelihood auto: better held-out log-likelihood on five of six public regression
   * sets and two synthetic ones than 0.5, worse on the two noisiest (README, Accuracy).
   */
  @Override double defaultKlScale() { return 0.3; }
}
