package org.sparkbnn.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.sparkbnn.input.LabelDomain;

/**
 * Bayes-by-Backprop regression (Blundell et al. 2015) as a Spark ML Estimator: an MLP with a mean-field
 * Gaussian posterior over its weights, trained data-parallel on the executors. The fitted model appends the
 * Monte-Carlo predictive mean ({@code predictionCol}) and variance ({@code varianceCol}) to every row.
 */
public class BayesByBackpropRegressor
    extends Predictor<Vector, BayesByBackpropRegressor, BayesByBackpropRegressionModel>
    implements TrainingSetters<BayesByBackpropRegressor>, RegressorTrainingSetters<BayesByBackpropRegressor>,
    MLWritable {
  private static final long serialVersionUID = 1L;

  private String uid; // no initialiser: uid() sets it while Spark's constructor runs (see PendingUid)
  private final RegressorParamSet params = new RegressorParamSet(this);
  /** The initial model given through {@link #setInitialModel} (the alternative to initialModelPath), or null. */
  private FittedNetwork initialModel;

  public BayesByBackpropRegressor() { this(Identifiable.randomUID("bbbRegressor")); }
  public BayesByBackpropRegressor(String uid) { this(PendingUid.set(uid)); }
  private BayesByBackpropRegressor(PendingUid pending) { uid(); }

  @Override public String uid() { return uid = PendingUid.claim(uid); }
  @Override public RegressorParamSet paramSet() { return params; }

  /**
   * Starts the fit from {@code model}'s posterior and standardisation (null: no initial model), as
   * initialModelPath does for a saved one; see priorFromModel. An estimator holding a model object cannot be saved.
   */
  public BayesByBackpropRegressor setInitialModel(BayesByBackpropRegressionModel model) {
    initialModel = model == null ? null : model.fitted();
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    FitSettings.checked(this, initialModel); // before a Pipeline fits its earlier stages, and before reading data
    OutputColumns.requireNew(schema, this, predictionCol());
    return RegressionOutput.append(super.transformSchema(schema), this, getLabelCol());
  }

  @Override
  public BayesByBackpropRegressionModel train(Dataset<?> dataset) {
    FitSettings settings = FitSettings.of(this);
    FittedNetwork initial =
        InitialModel.resolve(settings, initialModel, BayesByBackpropRegressionModel.class, dataset.sparkSession());
    // Predictor.fit copies this stage's Params onto the model and sets its parent; the report needs them first.
    Function<FittedNetwork, BayesByBackpropRegressionModel> asModel =
        network -> copyValues(new BayesByBackpropRegressionModel(uid(), network), ParamMap.empty());
    BayesByBackpropRegressionModel model;
    try (HeldOutCalibration calibration = HeldOutCalibration.plan(settings, dataset)) {
      LengthChoice.Judge<HeldOutCalibration.Residuals> judge = calibration.regressionJudge(dataset, asModel);
      NetworkTrainer.Trained trained = LikelihoodChoice.fit(settings, initial, judge, (candidates, froms) ->
          NetworkTrainer.fitEach(regressions(candidates, froms), dataset, calibration.heldOut(), judge,
              LabelDomain.continuous()));
      model = asModel.apply(HeldOutCalibration.calibrated(trained, judge));
    }
    FitReport.writeIfAsked(settings, model, dataset);
    return model;
  }

  /** Each of {@code settings} as a regression network, from the initial model of the same position (null: none). */
  private static List<NetworkTrainer.Candidate> regressions(List<FitSettings> settings, List<FittedNetwork> initials) {
    List<NetworkTrainer.Candidate> candidates = new ArrayList<>();
    for (int c = 0; c < settings.size(); c++) {
      FitSettings candidate = settings.get(c);
      candidates.add(new NetworkTrainer.Candidate(candidate, initials.get(c),
          (numFeatures, data) -> ModelSpec.regression(candidate, numFeatures)));
    }
    return candidates;
  }

  @Override
  public BayesByBackpropRegressor copy(ParamMap extra) {
    BayesByBackpropRegressor copy = defaultCopy(extra);
    copy.initialModel = initialModel;
    return copy;
  }

  @Override public MLWriter write() { return StageWriter.ofEstimator(this, initialModel); }
  public static MLReader<BayesByBackpropRegressor> read() { return new StageReader<>(BayesByBackpropRegressor.class); }
  public static BayesByBackpropRegressor load(String path) { return read().load(path); }
}
