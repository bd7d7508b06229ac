package org.sparkbnn.ml;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkbnn.bayes.GaussianPredictive;
import org.sparkbnn.train.EpochSummary;
import org.sparkbnn.train.FeatureValidation;
import org.sparkbnn.train.InvalidInputException;
import org.sparkbnn.train.Standardization;

/**
 * A fitted Bayes-by-Backprop regressor: the variational posterior q(w) = N(mu, softplus(rho)^2) over the
 * network's weights plus the input/label standardisation. {@code transform} appends the Monte-Carlo predictive
 * mean and variance (and optionally its epistemic and aleatoric parts) in the label's original units.
 */
public class BayesByBackpropRegressionModel extends PredictionModel<Vector, BayesByBackpropRegressionModel>
    implements BayesByBackpropRegressorParams, ModelData.Fitted, MLWritable {
  private static final long serialVersionUID = 1L;

  private String uid;
  private final BayesByBackpropParamSet bnnParams;
  private final RegressorParamSet regressorParams;
  private final ModelSpec spec;
  private final double[] theta;
  private final Standardization standardization;
  private final List<EpochSummary> history;
  /** Samples for {@link #predict(Vector)}, rebuilt if predictSamples or seed change. */
  private transient GaussianPredictive rowPredictive;
  private transient long rowPredictiveSeed;

  BayesByBackpropRegressionModel(String uid, ModelSpec spec, double[] theta, Standardization standardization,
                                 List<EpochSummary> history) {
    this(PendingUid.set(uid), spec, theta, standardization, history);
  }

  private BayesByBackpropRegressionModel(PendingUid pending, ModelSpec spec, double[] theta,
                                         Standardization standardization, List<EpochSummary> history) {
    super();
    if (this.uid == null) this.uid = PendingUid.take();
    this.bnnParams = new BayesByBackpropParamSet(this);
    this.regressorParams = new RegressorParamSet(this);
    this.spec = spec;
    this.theta = theta;
    this.standardization = standardization;
    this.history = List.copyOf(history);
  }

  @Override public String uid() {
    if (uid == null) uid = PendingUid.take();
    return uid;
  }

  @Override public BayesByBackpropParamSet bnnParams() { return bnnParams; }
  @Override public RegressorParamSet regressorParams() { return regressorParams; }

  public BayesByBackpropRegressionModel setVarianceCol(String v) { set(varianceCol(), v); return this; }
  public BayesByBackpropRegressionModel setEpistemicVarianceCol(String v) {
    set(epistemicVarianceCol(), v);
    return this;
  }
  public BayesByBackpropRegressionModel setAleatoricVarianceCol(String v) {
    set(aleatoricVarianceCol(), v);
    return this;
  }
  public BayesByBackpropRegressionModel setLowerBoundCol(String v) { set(lowerBoundCol(), v); return this; }
  public BayesByBackpropRegressionModel setUpperBoundCol(String v) { set(upperBoundCol(), v); return this; }
  public BayesByBackpropRegressionModel setIntervalLevel(double v) { set(intervalLevel(), v); return this; }
  public BayesByBackpropRegressionModel setPredictSamples(int v) { set(predictSamples(), v); return this; }
  public BayesByBackpropRegressionModel setSeed(long v) { set(seed(), v); return this; }
  public BayesByBackpropRegressionModel setHandleInvalid(String v) { set(handleInvalid(), v); return this; }

  @Override public int numFeatures() { return spec.numFeatures; }

  /** Per-epoch training history (-ELBO, NLL, KL per row and throughput). */
  @Override public List<EpochSummary> trainingHistory() { return history; }

  /** The learned noise variance in original label units (homoscedastic likelihood only). */
  public double noiseVariance() {
    if (!"homoscedastic".equalsIgnoreCase(spec.likelihood)) {
      throw new IllegalStateException("noiseVariance is per row for likelihood=" + spec.likelihood
          + "; use aleatoricVarianceCol");
    }
    double logVar = theta[spec.network().architecture().likelihoodOffset()];
    return Math.exp(logVar) * standardization.labelScale() * standardization.labelScale();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (getPredictionCol().isEmpty()) throw new IllegalArgumentException("predictionCol must not be empty");
    return PredictiveColumns.append(super.transformSchema(schema), this);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outputSchema = transformSchema(dataset.schema(), true);
    RegressionScorer scorer =
        new RegressionScorer(spec, theta, standardization, dataset.schema().fieldIndex(getFeaturesCol()), this);
    JavaRDD<Row> scored = dataset.toDF().javaRDD().mapPartitions(scorer::score);
    return dataset.sparkSession().createDataFrame(scored, outputSchema);
  }

  /** Predictive mean of one row (scores a batch of one; use transform for data sets). */
  @Override
  public double predict(Vector features) {
    String problem = FeatureValidation.problem(features, getFeaturesCol(), spec.numFeatures);
    if (problem != null) throw new InvalidInputException(problem);
    if (rowPredictive == null || rowPredictive.numSamples() != getPredictSamples()
        || rowPredictiveSeed != getSeed()) {
      rowPredictive = new GaussianPredictive(spec.network(), theta, getPredictSamples(), getSeed());
      rowPredictiveSeed = getSeed();
    }
    float[] x = new float[spec.numFeatures];
    standardization.features(features, x, 0);
    double mean = rowPredictive.predict(Nd4j.create(x, new long[] {1, x.length}, 'c')).getDouble(0, 0);
    return mean * standardization.labelScale() + standardization.labelMean();
  }

  @Override
  public BayesByBackpropRegressionModel copy(ParamMap extra) {
    BayesByBackpropRegressionModel copy =
        new BayesByBackpropRegressionModel(uid(), spec, theta, standardization, history);
    return copyValues(copy, extra).setParent(parent());
  }

  @Override public ModelSpec spec() { return spec; }
  /** A copy of the flat posterior parameters [mu | rho | likelihood] (layout: NetworkArchitecture). */
  @Override public double[] theta() { return theta.clone(); }
  @Override public Standardization standardization() { return standardization; }

  @Override
  public MLWriter write() {
    return new StageWriter(this, (path, spark) -> ModelData.write(this, path, spark));
  }

  public static MLReader<BayesByBackpropRegressionModel> read() {
    return new ModelData.Reader<>(BayesByBackpropRegressionModel.class, BayesByBackpropRegressionModel::new);
  }

  public static BayesByBackpropRegressionModel load(String path) {
    return read().load(path);
  }
}
