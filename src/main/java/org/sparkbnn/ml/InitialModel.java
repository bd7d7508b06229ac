package org.sparkbnn.ml;

import java.util.Arrays;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.SparkSession;
import org.sparkbnn.input.BadInputException;

/**
 * The model a fit starts from (issue: sequential Bayesian updating): given in memory through the estimator's
 * {@code setInitialModel}, or saved at {@code initialModelPath} as the model itself or as a PipelineModel that
 * holds one (what the train job saves). Only a model of the estimator's own kind, with the network the new fit
 * would build, is accepted: anything else would reinterpret its weights.
 */
final class InitialModel {
  private InitialModel() {}

  /**
   * The initial network of a fit, or null when it has none. {@code inMemory} is the network set through the Java
   * API (null if none); {@code modelClass} is the kind of model the estimator fits.
   */
  static FittedNetwork resolve(FitSettings settings, FittedNetwork inMemory, Class<?> modelClass,
                               SparkSession spark) {
    checkConfigured(settings, inMemory);
    String path = settings.initialModelPath();
    return inMemory != null ? inMemory : path.isEmpty() ? null : load(path, modelClass, spark);
  }

  /** The Params' part of the check, before any data or model is read (the estimators' transformSchema). */
  static void checkConfigured(FitSettings settings, FittedNetwork inMemory) {
    String path = settings.initialModelPath();
    if (inMemory != null && !path.isEmpty()) {
      throw new BadInputException("both an initial model object and initialModelPath='" + path + "' are set;"
          + " set one");
    }
    if (inMemory == null && path.isEmpty() && settings.priorFromModel()) {
      throw new BadInputException("priorFromModel=true needs an initial model (initialModelPath or"
          + " setInitialModel)");
    }
  }

  private static FittedNetwork load(String path, Class<?> modelClass, SparkSession spark) {
    String what = "the initial model";
    String stored = StageMetadata.storedClass(path, spark.sparkContext().hadoopConfiguration(), what);
    Object model;
    if (stored.equals(PipelineModel.class.getName())) {
      model = modelInPipeline(path, modelClass);
    } else if (isSparkBnnModel(stored)) {
      model = stored.equals(BayesByBackpropRegressionModel.class.getName())
          ? BayesByBackpropRegressionModel.load(path) : BayesByBackpropClassificationModel.load(path);
    } else {
      throw new BadInputException("initialModelPath '" + path + "' holds a " + stored + ", not a spark-bnn"
          + " model or a PipelineModel holding one");
    }
    if (!modelClass.isInstance(model)) {
      throw new BadInputException("initialModelPath '" + path + "' holds a " + model.getClass().getSimpleName()
          + "; this fit needs a " + modelClass.getSimpleName());
    }
    return model instanceof BayesByBackpropRegressionModel ? ((BayesByBackpropRegressionModel) model).fitted()
        : ((BayesByBackpropClassificationModel) model).fitted();
  }

  /** The one spark-bnn model among a saved pipeline's stages. */
  private static Transformer modelInPipeline(String path, Class<?> modelClass) {
    PipelineModel pipeline = SavedPipelines.load(path);
    Transformer[] models = Arrays.stream(pipeline.stages()).filter(s -> isSparkBnnModel(s.getClass().getName()))
        .toArray(Transformer[]::new);
    if (models.length != 1) {
      throw new BadInputException("initialModelPath '" + path + "' is a PipelineModel with " + models.length
          + " spark-bnn models; it needs exactly one " + modelClass.getSimpleName());
    }
    return models[0];
  }

  private static boolean isSparkBnnModel(String className) {
    return className.equals(BayesByBackpropRegressionModel.class.getName())
        || className.equals(BayesByBackpropClassificationModel.class.getName());
  }

  /** Fails, naming what differs, when the initial network is not the one this fit would build. */
  static void checkMatches(FittedNetwork initial, ModelSpec spec) {
    ModelSpec was = initial.spec;
    String differs = null;
    if (was.numFeatures != spec.numFeatures) {
      differs = "feature count " + was.numFeatures + " vs " + spec.numFeatures + " in this fit's data";
    } else if (!Arrays.equals(was.hiddenLayers, spec.hiddenLayers)) {
      differs = "hiddenLayers " + Arrays.toString(was.hiddenLayers) + " vs " + Arrays.toString(spec.hiddenLayers);
    } else if (!was.activation.equalsIgnoreCase(spec.activation)) {
      differs = "activation " + was.activation + " vs " + spec.activation;
    } else if (!was.likelihood.equalsIgnoreCase(spec.likelihood)) {
      differs = "likelihood " + was.likelihood + " vs " + spec.likelihood;
    } else if (was.numClasses != spec.numClasses) {
      differs = "number of classes " + was.numClasses + " vs " + spec.numClasses;
    } else if (was.members != 1 && was.members != spec.members) {
      // Member k continues member k; a single network is every member's start.
      differs = "ensembleSize " + was.members + " vs " + spec.members;
    }
    if (differs != null) {
      throw new BadInputException("the initial model does not match this fit: " + differs
          + " (the initial model's first)");
    }
  }
}
