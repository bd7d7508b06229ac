package org.sparkbnn.ml;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.sparkbnn.bayes.IntervalCalibration;
import org.sparkbnn.bayes.GaussianPredictive;
import org.sparkbnn.compute.ComputeKernel;
import org.sparkbnn.train.EpochSummary;

/**
 * A fitted Bayes-by-Backprop regressor: the variational posterior q(w) = N(mu, softplus(rho)^2) over the
 * network's weights plus the input/label standardisation. {@code transform} appends the Monte-Carlo predictive
 * mean and variance (and optionally its epistemic and aleatoric parts) in the label's original units.
 */
public class BayesByBackpropRegressionModel extends PredictionModel<Vector, BayesByBackpropRegressionModel>
    implements ScoringSetters<BayesByBackpropRegressionModel>,
    RegressionColumnSetters<BayesByBackpropRegressionModel>, BayesByBackpropModel, MLWritable {
  private static final long serialVersionUID = 1L;

  private String uid; // no initialiser: uid() sets it while Spark's constructor runs (see PendingUid)
  private final RegressorParamSet params = new RegressorParamSet(this);
  /** Null only in an unfitted model made by a public constructor (see there). */
  private final FittedNetwork network;
  /** Samples for {@link #predict(Vector)}, rebuilt if predictSamples or seed change. */
  private transient GaussianPredictive rowPredictive;
  private transient String rowPredictiveKey;

  /**
   * An unfitted model: Spark Connect's server instantiates every stage registered in {@code META-INF/services}
   * when it looks stages up, and constructs them by uid. Fit the estimator or {@link #load} a model to use one.
   */
  public BayesByBackpropRegressionModel() { this(Identifiable.randomUID("bbbRegressionModel")); }
  /** An unfitted model with this uid; see {@link #BayesByBackpropRegressionModel()}. */
  public BayesByBackpropRegressionModel(String uid) { this(uid, null); }
  BayesByBackpropRegressionModel(String uid, FittedNetwork fitted) { this(PendingUid.set(uid), fitted); }

  private BayesByBackpropRegressionModel(PendingUid pending, FittedNetwork fitted) {
    uid();
    this.network = fitted;
  }

  @Override public String uid() { return uid = PendingUid.claim(uid); }
  @Override public RegressorParamSet paramSet() { return params; }

  @Override public int numFeatures() { return fitted().spec.numFeatures; }

  @Override public List<EpochSummary> trainingHistory() { return fitted().history; }
  @Override public String initialModelDigest() { return fitted().initialModel; }
  @Override public String parameterDigest() { return fitted().digest(); }
  @Override public java.util.Map<String, String> provenance() {
    return fitted().provenance == null ? java.util.Map.of() : fitted().provenance;
  }

  /**
   * The held-out calibration (calibrationFraction) that sets this model's interval bounds, or
   * {@link IntervalCalibration#NONE} (Gaussian intervals).
   */
  public IntervalCalibration calibration() { return fitted().calibration; }

  /**
   * The noise model this model was fitted with, homoscedastic or heteroscedastic: the likelihood Param's value, or
   * with likelihood=auto the one the held-out rows chose, which may be "mixture": both fits' members in one
   * ensemble, its noise variance per row.
   */
  public String fittedLikelihood() { return fitted().spec.noiseModel(); }

  /**
   * The learned noise variance in original label units (homoscedastic likelihood only); an ensemble's is the mean
   * of its members' (the aleatoric variance its predictive adds).
   */
  public double noiseVariance() {
    FittedNetwork f = fitted();
    if (!ModelSpec.HOMOSCEDASTIC.equalsIgnoreCase(f.spec.likelihood)) {
      throw new IllegalStateException("noiseVariance is per row for the " + f.spec.noiseModel()
          + " noise model; use aleatoricVarianceCol");
    }
    int offset = f.spec.network().architecture().likelihoodOffset();
    double variance = 0;
    for (int k = 0; k < f.spec.members; k++) variance += Math.exp(f.spec.member(f.theta, k)[offset]) / f.spec.members;
    double labelScale = f.standardization.labelScale();
    return variance * labelScale * labelScale;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (getPredictionCol().isEmpty()) throw new IllegalArgumentException("predictionCol must not be empty");
    OutputColumns.requireNew(schema, this, predictionCol());
    return RegressionOutput.append(super.transformSchema(schema), this, getLabelCol());
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outputSchema = transformSchema(dataset.schema(), true);
    RegressionScorer scorer = new RegressionScorer(fitted(), dataset.schema(), this);
    JavaRDD<InternalRow> scored = InternalRows.of(dataset).mapPartitions(scorer::score);
    return InternalRows.toDataFrame(dataset.sparkSession(), scored, outputSchema);
  }

  /** Predictive mean of one row (scores a batch of one; use transform for data sets). */
  @Override
  public double predict(Vector features) {
    FittedNetwork f = fitted();
    ComputeKernel kernel = FittedNetwork.kernel(this);
    String key = getPredictSamples() + "/" + getSeed() + "/" + kernel;
    if (rowPredictive == null || !key.equals(rowPredictiveKey)) {
      rowPredictive =
          new GaussianPredictive(f.samples(getPredictSamples(), getSeed(), kernel), f.spec.network().likelihood());
      rowPredictiveKey = key;
    }
    double mean = rowPredictive.predict(f.standardizedRow(features, getFeaturesCol()), 1)[0];
    return mean * f.standardization.labelScale() + f.standardization.labelMean();
  }


  @Override
  public BayesByBackpropRegressionModel copy(ParamMap extra) {
    BayesByBackpropRegressionModel copy = new BayesByBackpropRegressionModel(uid(), network);
    return copyValues(copy, extra).setParent(parent());
  }


  /** A copy of the flat posterior parameters [mu | rho | likelihood] (layout: NetworkArchitecture). */
  public double[] theta() { return fitted().theta.clone(); }

  @Override
  public MLWriter write() { return ModelData.writer(this, fitted()); }
  public static MLReader<BayesByBackpropRegressionModel> read() {
    return new ModelData.Reader<>(BayesByBackpropRegressionModel.class, BayesByBackpropRegressionModel::new);
  }
  public static BayesByBackpropRegressionModel load(String path) { return read().load(path); }

  /** The fitted network, or a clear error for an unfitted model. */
  FittedNetwork fitted() {
    if (network == null) {
      throw new IllegalStateException(uid() + " is not fitted: fit a BayesByBackpropRegressor or load a saved model");
    }
    return network;
  }
}
