package org.sparkbnn.ml;

import java.util.List;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbnn.train.BlockBuilder;
import org.sparkbnn.train.InvalidInputException;
import org.sparkbnn.train.Standardization;
import org.sparkbnn.train.TrainingConfig;
import org.sparkbnn.train.TrainingData;
import org.sparkbnn.train.TrainingLoop;

/**
 * Bayes-by-Backprop regression (Blundell et al. 2015) as a Spark ML Estimator: an MLP with a mean-field
 * Gaussian posterior over its weights, trained data-parallel on the executors. The fitted model appends the
 * Monte-Carlo predictive mean ({@code predictionCol}) and variance ({@code varianceCol}) to every row.
 */
public class BayesByBackpropRegressor
    extends Predictor<Vector, BayesByBackpropRegressor, BayesByBackpropRegressionModel>
    implements BayesByBackpropParams, MLWritable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(BayesByBackpropRegressor.class);

  private String uid;
  private final BayesByBackpropParamSet bnnParams;

  public BayesByBackpropRegressor() {
    this(Identifiable.randomUID("bbbRegressor"));
  }

  public BayesByBackpropRegressor(String uid) {
    this(PendingUid.set(uid));
  }

  private BayesByBackpropRegressor(PendingUid pending) {
    super();
    if (this.uid == null) this.uid = PendingUid.take();
    this.bnnParams = new BayesByBackpropParamSet(this);
  }

  @Override public String uid() {
    if (uid == null) uid = PendingUid.take();
    return uid;
  }

  @Override public BayesByBackpropParamSet bnnParams() { return bnnParams; }

  public BayesByBackpropRegressor setVarianceCol(String v) { set(varianceCol(), v); return this; }
  public BayesByBackpropRegressor setEpistemicVarianceCol(String v) { set(epistemicVarianceCol(), v); return this; }
  public BayesByBackpropRegressor setAleatoricVarianceCol(String v) { set(aleatoricVarianceCol(), v); return this; }
  public BayesByBackpropRegressor setHiddenLayers(int... v) { set(hiddenLayers(), v); return this; }
  public BayesByBackpropRegressor setActivation(String v) { set(activation(), v); return this; }
  public BayesByBackpropRegressor setPrior(String v) { set(prior(), v); return this; }
  public BayesByBackpropRegressor setPriorSigma(double v) { set(priorSigma(), v); return this; }
  public BayesByBackpropRegressor setPriorPi(double v) { set(priorPi(), v); return this; }
  public BayesByBackpropRegressor setPriorSigma1(double v) { set(priorSigma1(), v); return this; }
  public BayesByBackpropRegressor setPriorSigma2(double v) { set(priorSigma2(), v); return this; }
  public BayesByBackpropRegressor setPosteriorRhoInit(double v) { set(posteriorRhoInit(), v); return this; }
  public BayesByBackpropRegressor setEstimator(String v) { set(estimator(), v); return this; }
  public BayesByBackpropRegressor setLikelihood(String v) { set(likelihood(), v); return this; }
  public BayesByBackpropRegressor setKlWeighting(String v) { set(klWeighting(), v); return this; }
  public BayesByBackpropRegressor setLearningRate(double v) { set(learningRate(), v); return this; }
  public BayesByBackpropRegressor setBatchSize(int v) { set(batchSize(), v); return this; }
  public BayesByBackpropRegressor setMaxEpochs(int v) { set(maxEpochs(), v); return this; }
  public BayesByBackpropRegressor setMaxSteps(int v) { set(maxSteps(), v); return this; }
  public BayesByBackpropRegressor setTrainSamples(int v) { set(trainSamples(), v); return this; }
  public BayesByBackpropRegressor setLowerBoundCol(String v) { set(lowerBoundCol(), v); return this; }
  public BayesByBackpropRegressor setUpperBoundCol(String v) { set(upperBoundCol(), v); return this; }
  public BayesByBackpropRegressor setIntervalLevel(double v) { set(intervalLevel(), v); return this; }
  public BayesByBackpropRegressor setPredictSamples(int v) { set(predictSamples(), v); return this; }
  public BayesByBackpropRegressor setSeed(long v) { set(seed(), v); return this; }
  public BayesByBackpropRegressor setHandleInvalid(String v) { set(handleInvalid(), v); return this; }

  @Override
  public StructType transformSchema(StructType schema) {
    return PredictiveColumns.append(super.transformSchema(schema), this);
  }

  @Override
  public BayesByBackpropRegressionModel train(Dataset<?> dataset) {
    ModelSpec spec = ModelSpec.fromParams(this, numFeatures(dataset));
    TrainingConfig config = spec.trainingConfig(this);
    Dataset<Row> rows = dataset.select(functions.col(getFeaturesCol()), functions.col(getLabelCol()));
    TrainingData data = null;
    try {
      data = TrainingData.pack(rows,
          new BlockBuilder(getFeaturesCol(), getLabelCol(), spec.numFeatures, skipInvalid()), spec.numFeatures);
      if (data.skippedRows() > 0) LOG.warn("handleInvalid=skip: dropped {} invalid training rows", data.skippedRows());
      if (data.numRows() == 0) {
        throw new InvalidInputException("training data set is empty"
            + (data.skippedRows() > 0 ? " after skipping " + data.skippedRows() + " invalid rows" : ""));
      }
      Standardization standardization = data.standardization(spec.numFeatures);
      LOG.info("Bayes by Backprop: {} rows in {} partitions, {} features, {} parameters", data.numRows(),
          data.numPartitions(), spec.numFeatures, spec.network().numParameters());
      TrainingLoop.Result result = TrainingLoop.run(config, standardization, data.gradientSource(),
          e -> LOG.info("Bayes by Backprop {}", e));
      LOG.info("Bayes by Backprop: {} steps, {}", result.timings.steps(), result.timings);
      if (result.history.size() < getMaxEpochs()) {
        LOG.info("Bayes by Backprop: stopped at maxSteps={} after {} of maxEpochs={} epochs", getMaxSteps(),
            result.history.size(), getMaxEpochs());
      }
      // Predictor.fit copies this stage's Params onto the model and sets its parent.
      return new BayesByBackpropRegressionModel(uid(), spec, result.theta, standardization, result.history);
    } catch (Exception e) {
      throw InvalidInputException.surface(e);
    } finally {
      if (data != null) data.release();
      dataset.sparkSession().sparkContext().setJobDescription(null);
    }
  }

  /** The features vector size: from the column's ML attributes if present, else from the first non-null row. */
  private int numFeatures(Dataset<?> dataset) {
    int size = AttributeGroup.fromStructField(dataset.schema().apply(getFeaturesCol())).size();
    if (size >= 0) return size;
    List<Row> first = dataset.select(getFeaturesCol()).where(functions.col(getFeaturesCol()).isNotNull())
        .limit(1).collectAsList();
    if (first.isEmpty()) throw new InvalidInputException("training data set is empty (no non-null '"
        + getFeaturesCol() + "' value)");
    return ((Vector) first.get(0).get(0)).size();
  }

  @Override
  public BayesByBackpropRegressor copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public MLWriter write() {
    return new StageWriter(this, null);
  }

  public static MLReader<BayesByBackpropRegressor> read() {
    return new StageReader<>(BayesByBackpropRegressor.class);
  }

  public static BayesByBackpropRegressor load(String path) {
    return read().load(path);
  }
}
