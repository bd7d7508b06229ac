package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.ml.param.ParamMap;
import org.junit.jupiter.api.Test;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

class RegressorParamsTest {

  @Test
  void defaultsAreDocumentedAndReadable() {
    BayesByBackpropRegressor r = new BayesByBackpropRegressor();
    assertArrayEquals(new int[] {50}, r.getHiddenLayers());
    assertEquals("variance", r.getVarianceCol());
    assertEquals("", r.getEpistemicVarianceCol());
    assertEquals("", r.getLogLikelihoodCol(), "off: scoring rows without labels needs no label column");
    assertEquals("localReparameterization", r.getEstimator());
    assertEquals("gaussian", r.getPrior());
    assertEquals("error", r.getHandleInvalid());
    assertEquals(0, r.getMinSteps(), "maxEpochs alone unless asked");
    assertFalse(r.getEarlyStopping(), "the full length unless asked");
    assertEquals(4, r.getLengthDoublings(), "up to 16 times maxEpochs while the held-out rows clearly gain");
    assertEquals(0.3, r.getKlScale(), "the regressor's tempered default; the classifier's is 1");
    String explained = r.explainParams();
    for (String name : new String[] {"hiddenLayers", "activation", "prior", "priorSigma", "priorPi", "priorSigma1",
        "priorSigma2", "posteriorRhoInit", "estimator", "likelihood", "klWeighting", "klScale", "learningRate",
        "batchSize", "maxEpochs", "maxSteps", "minSteps", "earlyStopping", "lengthDoublings", "trainSamples",
        "ensembleSize", "predictSamples", "seed", "handleInvalid", "varianceCol", "epistemicVarianceCol",
        "aleatoricVarianceCol", "lowerBoundCol", "upperBoundCol", "logLikelihoodCol", "labelCdfCol", "intervalLevel",
        "featuresCol", "labelCol", "predictionCol"}) {
      assertTrue(explained.contains(name + ":"), "explainParams lacks " + name);
    }
  }

  /** 200 rows at batch 32: 7 steps an epoch, so minSteps 20 runs ceil(20 / 7) = 3 whole epochs, as maxEpochs 3. */
  @Test
  void minStepsLengthensAShortFitByWholeEpochs() {
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> data =
        SyntheticData.sine(SparkTestSession.get(), 200, 0.1, 3, 2).cache();
    BayesByBackpropRegressionModel lengthened = small().setMaxEpochs(1).setMinSteps(20).fit(data);
    BayesByBackpropRegressionModel threeEpochs = small().setMaxEpochs(3).fit(data);
    assertEquals(3, lengthened.trainingHistory().size());
    assertArrayEquals(threeEpochs.theta(), lengthened.theta(), 0.0);
  }

  private static BayesByBackpropRegressor small() {
    return new BayesByBackpropRegressor().setHiddenLayers(8).setBatchSize(32).setCalibrationFraction(0)
        .setEnsembleSize(1);
  }

  @Test
  void invalidValuesAreRejectedNamingTheParam() {
    BayesByBackpropRegressor r = new BayesByBackpropRegressor();
    assertMessageNames(assertThrows(IllegalArgumentException.class, () -> r.setBatchSize(0)), "batchSize");
    assertMessageNames(assertThrows(IllegalArgumentException.class, () -> r.setLearningRate(-1)), "learningRate");
    assertMessageNames(assertThrows(IllegalArgumentException.class, () -> r.setActivation("sigmoid")), "activation");
    assertMessageNames(assertThrows(IllegalArgumentException.class, () -> r.setPriorPi(1.0)), "priorPi");
    assertMessageNames(assertThrows(IllegalArgumentException.class, () -> r.setHiddenLayers(10, 0)), "hiddenLayers");
    assertMessageNames(assertThrows(IllegalArgumentException.class, () -> r.setHandleInvalid("keep")), "handleInvalid");
    assertMessageNames(assertThrows(IllegalArgumentException.class, () -> r.setIntervalLevel(1.0)), "intervalLevel");
    assertMessageNames(assertThrows(IllegalArgumentException.class, () -> r.setMinSteps(-1)), "minSteps");
    assertMessageNames(assertThrows(IllegalArgumentException.class, () -> r.setLengthDoublings(-1)),
        "lengthDoublings");
  }

  @Test
  void localReparameterizationWithScaleMixturePriorIsRefusedAtFit() {
    BayesByBackpropRegressor r = new BayesByBackpropRegressor()
        .setEstimator("localReparameterization").setPrior("scaleMixture").setMaxEpochs(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> r.fit(SyntheticData.sine(SparkTestSession.get(), 20, 0.1, 1, 1)));
    assertMessageNames(e, "estimator");
    assertMessageNames(e, "prior");
    // In a Pipeline it fails at the schema check, before any earlier stage is fitted.
    org.apache.spark.ml.Pipeline pipeline = new org.apache.spark.ml.Pipeline().setStages(
        new org.apache.spark.ml.PipelineStage[] {new org.apache.spark.ml.feature.StandardScaler()
            .setInputCol("features").setOutputCol("scaled"), r.setFeaturesCol("scaled")});
    assertMessageNames(assertThrows(IllegalArgumentException.class,
        () -> pipeline.transformSchema(org.sparkbnn.SyntheticData.SCHEMA)), "estimator");
    assertThrows(org.sparkbnn.input.BadInputException.class, () -> new BayesByBackpropRegressor()
        .setPriorFromModel(true).transformSchema(org.sparkbnn.SyntheticData.SCHEMA), "priorFromModel without one");
  }

  @Test
  void choiceParamsAreStoredAndReadInTheirCanonicalSpelling() {
    BayesByBackpropRegressor r = new BayesByBackpropRegressor().setActivation("TANH")
        .setEstimator("LOCALREPARAMETERIZATION").setPrior("ScaleMixture").setLikelihood("Heteroscedastic");
    assertEquals("tanh", r.getActivation());
    assertEquals("localReparameterization", r.getEstimator());
    assertEquals("scaleMixture", r.getPrior());
    assertEquals("heteroscedastic", r.getLikelihood());
    // The setters store the canonical spelling (what is saved); a value set around them reads canonical too.
    assertEquals("tanh", r.getOrDefault(r.activation()));
    r.set(r.activation(), "ReLU");
    assertEquals("relu", r.getActivation());
  }

  @Test
  void copyKeepsUidAndSetParamsAndAppliesExtras() {
    BayesByBackpropRegressor r = new BayesByBackpropRegressor().setHiddenLayers(7, 3).setSeed(5);
    BayesByBackpropRegressor c = r.copy(new ParamMap().put(r.maxEpochs().w(9)));
    assertEquals(r.uid(), c.uid());
    assertArrayEquals(new int[] {7, 3}, c.getHiddenLayers());
    assertEquals(5L, c.getSeed());
    assertEquals(9, c.getMaxEpochs());
    assertEquals(r.getDefault(r.maxEpochs()).get(), r.getMaxEpochs(), "the original keeps its default");
  }

  private static void assertMessageNames(Exception e, String param) {
    assertTrue(e.getMessage().contains(param), "message does not name " + param + ": " + e.getMessage());
  }
}
