package org.sparkbnn.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.sparkbnn.bayes.CategoricalPredictive;
import org.sparkbnn.ml.ClassificationScorer.Output;
import org.sparkbnn.compute.ComputeKernel;
import org.sparkbnn.train.EpochSummary;

/**
 * A fitted Bayes-by-Backprop classifier: the variational posterior over the network's weights plus the feature
 * standardisation. {@code probability} is the Monte-Carlo predictive p-bar = (1/S) sum_s softmax(l_s) over S weight
 * samples, temperature-scaled when the fit calibrated it ({@link #temperature()}), and {@code rawPrediction} its
 * logarithm, so Spark's evaluators, thresholds and {@code raw2probability} all agree with it. {@code transform}
 * scores rows in batches (not through Spark's per-row UDFs) and can add the per-class probability variance, the
 * predictive and expected entropies and the mutual information (of the posterior's own p-bar).
 */
public class BayesByBackpropClassificationModel
    extends ProbabilisticClassificationModel<Vector, BayesByBackpropClassificationModel>
    implements ScoringSetters<BayesByBackpropClassificationModel>,
    ClassificationColumnSetters<BayesByBackpropClassificationModel>, BayesByBackpropModel, MLWritable {
  private static final long serialVersionUID = 1L;

  private String uid; // no initialiser: uid() sets it while Spark's constructor runs (see PendingUid)
  private final ClassifierParamSet params = new ClassifierParamSet(this);
  /** Null only in an unfitted model made by a public constructor (see there). */
  private final FittedNetwork network;
  /** Samples for {@link #predictRaw(Vector)}, rebuilt if predictSamples or seed change. */
  private transient CategoricalPredictive rowPredictive;
  private transient String rowPredictiveKey;

  /**
   * An unfitted model: Spark Connect's server instantiates every stage registered in {@code META-INF/services}
   * when it looks stages up, and constructs them by uid. Fit the estimator or {@link #load} a model to use one.
   */
  public BayesByBackpropClassificationModel() { this(Identifiable.randomUID("bbbClassificationModel")); }
  /** An unfitted model with this uid; see {@link #BayesByBackpropClassificationModel()}. */
  public BayesByBackpropClassificationModel(String uid) { this(uid, null); }
  BayesByBackpropClassificationModel(String uid, FittedNetwork fitted) { this(PendingUid.set(uid), fitted); }

  private BayesByBackpropClassificationModel(PendingUid pending, FittedNetwork fitted) {
    uid();
    if (fitted != null && !fitted.spec.isClassification()) {
      throw new IllegalArgumentException("not a classification network: " + fitted.spec.likelihood);
    }
    this.network = fitted;
  }

  @Override public String uid() { return uid = PendingUid.claim(uid); }
  @Override public ClassifierParamSet paramSet() { return params; }

  @Override public int numClasses() { return fitted().spec.numClasses; }
  @Override public int numFeatures() { return fitted().spec.numFeatures; }

  @Override public List<EpochSummary> trainingHistory() { return fitted().history; }
  @Override public String initialModelDigest() { return fitted().initialModel; }
  @Override public String parameterDigest() { return fitted().digest(); }
  @Override public java.util.Map<String, String> provenance() {
    return fitted().provenance == null ? java.util.Map.of() : fitted().provenance;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    OutputColumns.requireNew(schema, this, rawPredictionCol(), probabilityCol(), predictionCol());
    return UncertaintyColumns.append(super.transformSchema(schema), this);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    if (isDefined(thresholds()) && getThresholds().length != numClasses()) {
      throw new IllegalArgumentException("thresholds has " + getThresholds().length + " values but the model has "
          + numClasses() + " classes");
    }
    StructType outputSchema = transformSchema(dataset.schema(), true);
    ClassificationScorer scorer = new ClassificationScorer(fitted(), dataset.schema(),
        this, outputs(dataset.schema(), outputSchema), isDefined(thresholds()) ? getThresholds() : null);
    JavaRDD<InternalRow> scored = InternalRows.of(dataset).mapPartitions(scorer::score);
    return InternalRows.toDataFrame(dataset.sparkSession(), scored, outputSchema);
  }

  /** What each appended column of the output schema holds, in schema order. */
  private Output[] outputs(StructType input, StructType output) {
    List<Output> outputs = new ArrayList<>();
    for (int c = input.size(); c < output.size(); c++) {
      String name = output.fields()[c].name();
      if (name.equals(getPredictionCol())) outputs.add(Output.PREDICTION);
      else if (name.equals(getRawPredictionCol())) outputs.add(Output.RAW_PREDICTION);
      else if (name.equals(getProbabilityCol())) outputs.add(Output.PROBABILITY);
      else if (name.equals(getProbabilityVarianceCol())) outputs.add(Output.PROBABILITY_VARIANCE);
      else if (name.equals(getPredictiveEntropyCol())) outputs.add(Output.PREDICTIVE_ENTROPY);
      else if (name.equals(getExpectedEntropyCol())) outputs.add(Output.EXPECTED_ENTROPY);
      else if (name.equals(getMutualInformationCol())) outputs.add(Output.MUTUAL_INFORMATION);
      else throw new IllegalStateException("unexpected output column '" + name + "'");
    }
    return outputs.toArray(new Output[0]);
  }

  /** log p-bar of one row (scores a batch of one; use transform for data sets). */
  @Override
  public Vector predictRaw(Vector features) {
    FittedNetwork f = fitted();
    ComputeKernel kernel = FittedNetwork.kernel(this);
    String key = getPredictSamples() + "/" + getSeed() + "/" + kernel;
    if (rowPredictive == null || !key.equals(rowPredictiveKey)) {
      rowPredictive =
          new CategoricalPredictive(f.samples(getPredictSamples(), getSeed(), kernel), f.spec.network().likelihood());
      rowPredictiveKey = key;
    }
    CategoricalPredictive.ClassPredictions p = rowPredictive.predict(f.standardizedRow(features, getFeaturesCol()), 1);
    f.temperature.apply(p.logProbability, p.probability, 1, p.numClasses);
    return Vectors.dense(p.logProbability);
  }


  /** softmax, shifted by the maximum; exact inverse of rawPrediction = log p-bar. */
  @Override
  public Vector raw2probabilityInPlace(Vector rawPrediction) {
    double[] v = ((DenseVector) rawPrediction).values();
    double max = Double.NEGATIVE_INFINITY;
    for (double x : v) max = Math.max(max, x);
    double sum = 0;
    for (int k = 0; k < v.length; k++) {
      v[k] = Math.exp(v[k] - max);
      sum += v[k];
    }
    for (int k = 0; k < v.length; k++) v[k] /= sum;
    return rawPrediction;
  }

  @Override
  public BayesByBackpropClassificationModel copy(ParamMap extra) {
    BayesByBackpropClassificationModel copy = new BayesByBackpropClassificationModel(uid(), network);
    return copyValues(copy, extra).setParent(parent());
  }

  /**
   * Scala declares this with covariant return types in two superclasses, which Java sees as a clash; the
   * erased override just keeps Spark's implementation (used by training summaries, which this model has none of).
   */
  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public scala.Tuple3 findSummaryModel() {
    return super.findSummaryModel();
  }

  /**
   * The temperature T fitted on the rows calibrationFraction held out (1: uncalibrated): probability is
   * softmax(log p-bar / T) of the posterior's Monte-Carlo predictive p-bar.
   */
  public double temperature() { return fitted().temperature.temperature(); }

  /** A copy of the flat posterior parameters [mu | rho | likelihood] (layout: NetworkArchitecture). */
  public double[] theta() { return fitted().theta.clone(); }

  @Override
  public MLWriter write() { return ModelData.writer(this, fitted()); }
  public static MLReader<BayesByBackpropClassificationModel> read() {
    return new ModelData.Reader<>(BayesByBackpropClassificationModel.class, BayesByBackpropClassificationModel::new);
  }
  public static BayesByBackpropClassificationModel load(String path) { return read().load(path); }

  /** The fitted network, or a clear error for an unfitted model. */
  FittedNetwork fitted() {
    if (network == null) {
      throw new IllegalStateException(uid() + " is not fitted: fit a BayesByBackpropClassifier or load a saved model");
    }
    return network;
  }
}
