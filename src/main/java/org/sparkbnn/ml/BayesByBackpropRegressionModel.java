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
import org.sparkbnn.bayes.GaussianPredictive;
import org.sparkbnn.train.ComputeKernel;
import org.sparkbnn.train.EpochSummary;

/**
 * A fitted Bayes-by-Backprop regressor: the variational posterior q(w) = N(mu, softplus(rho)^2) over the
 * network's weights plus the input/label standardisation. {@code transform} appends the Monte-Carlo predictive
 * mean and variance (and optionally its epistemic and aleatoric parts) in the label's original units.
 */
public class BayesByBackpropRegressionModel extends PredictionModel<Vector, BayesByBackpropRegressionModel>
    implements BayesByBackpropRegressorParams, MLWritable {
  private static final long serialVersionUID = 1L;

  private String uid;
  private final BayesByBackpropParamSet bnnParams;
  private final RegressorParamSet regressorParams;
  private final FittedNetwork fitted;
  /** Samples for {@link #predict(Vector)}, rebuilt if predictSamples or seed change. */
  private transient GaussianPredictive rowPredictive;
  private transient String rowPredictiveKey;

  BayesByBackpropRegressionModel(String uid, FittedNetwork fitted) {
    this(PendingUid.set(uid), fitted);
  }

  private BayesByBackpropRegressionModel(PendingUid pending, FittedNetwork fitted) {
    super();
    if (this.uid == null) this.uid = PendingUid.take();
    this.bnnParams = new BayesByBackpropParamSet(this);
    this.regressorParams = new RegressorParamSet(this);
    this.fitted = fitted;
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
  public BayesByBackpropRegressionModel setKernel(String v) { set(kernel(), v); return this; }
  public BayesByBackpropRegressionModel setSeed(long v) { set(seed(), v); return this; }
  public BayesByBackpropRegressionModel setHandleInvalid(String v) { set(handleInvalid(), v); return this; }

  @Override public int numFeatures() { return fitted.spec.numFeatures; }

  /** Per-epoch training history (-ELBO, NLL, KL per row and throughput). */
  public List<EpochSummary> trainingHistory() { return fitted.history; }

  /**
   * The {@link #parameterDigest} of the initial model this one was fitted from (whose feature and label
   * standardisation it kept), or null when its fit started from the initialisation.
   */
  public String initialModelDigest() { return fitted.initialModel; }

  /** A digest of this model's posterior parameters: its identity as another fit's initial model. */
  public String parameterDigest() { return fitted.digest(); }

  /** The learned noise variance in original label units (homoscedastic likelihood only). */
  public double noiseVariance() {
    if (!"homoscedastic".equalsIgnoreCase(fitted.spec.likelihood)) {
      throw new IllegalStateException("noiseVariance is per row for likelihood=" + fitted.spec.likelihood
          + "; use aleatoricVarianceCol");
    }
    double logVar = fitted.theta[fitted.spec.network().architecture().likelihoodOffset()];
    double labelScale = fitted.standardization.labelScale();
    return Math.exp(logVar) * labelScale * labelScale;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (getPredictionCol().isEmpty()) throw new IllegalArgumentException("predictionCol must not be empty");
    return RegressionOutput.append(super.transformSchema(schema), this);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outputSchema = transformSchema(dataset.schema(), true);
    RegressionScorer scorer =
        new RegressionScorer(fitted, dataset.schema(), this);
    JavaRDD<Row> scored = dataset.toDF().javaRDD().mapPartitions(scorer::score);
    return dataset.sparkSession().createDataFrame(scored, outputSchema);
  }

  /** Predictive mean of one row (scores a batch of one; use transform for data sets). */
  @Override
  public double predict(Vector features) {
    ComputeKernel kernel = FittedNetwork.kernel(this);
    String key = getPredictSamples() + "/" + getSeed() + "/" + kernel;
    if (rowPredictive == null || !key.equals(rowPredictiveKey)) {
      rowPredictive =
          new GaussianPredictive(fitted.samples(getPredictSamples(), getSeed(), kernel), fitted.spec.network().likelihood());
      rowPredictiveKey = key;
    }
    double mean = rowPredictive.predict(fitted.standardizedRow(features, getFeaturesCol()), 1)[0];
    return mean * fitted.standardization.labelScale() + fitted.standardization.labelMean();
  }


  @Override
  public BayesByBackpropRegressionModel copy(ParamMap extra) {
    BayesByBackpropRegressionModel copy = new BayesByBackpropRegressionModel(uid(), fitted);
    return copyValues(copy, extra).setParent(parent());
  }

  FittedNetwork fitted() { return fitted; }

  /** A copy of the flat posterior parameters [mu | rho | likelihood] (layout: NetworkArchitecture). */
  public double[] theta() { return fitted.theta.clone(); }

  @Override
  public MLWriter write() {
    return new StageWriter(this, (path, spark) -> ModelData.write(fitted, path, spark));
  }

  public static MLReader<BayesByBackpropRegressionModel> read() {
    return new ModelData.Reader<>(BayesByBackpropRegressionModel.class, BayesByBackpropRegressionModel::new);
  }

  public static BayesByBackpropRegressionModel load(String path) {
    return read().load(path);
  }
}
