package org.sparkbnn.jobs;

import static org.apache.spark.sql.functions.col;

import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkbnn.ml.BayesByBackpropClassifier;
import org.sparkbnn.ml.evaluation.CategoricalPredictiveMetrics;
import org.sparkbnn.ml.evaluation.ClassificationCalibrationEvaluator;

/**
 * {@code compare-classifiers}: the Bayes-by-Backprop classifier next to Spark's MultilayerPerceptronClassifier
 * with the same hidden layers, on the same splits in the same run. Per split (a random permutation puts
 * testFraction of the rows in the test set: {@link PermutationSplits}), both are fitted on the rest and scored on
 * held-out accuracy, negative log-likelihood, Brier score and expected calibration error (15 bins); then mean ±
 * standard error.
 * The MLP gets standardised features (the Bayesian stage standardises internally).
 */
final class CompareClassifiersJob {
  private static final String[] METRICS = {"accuracy", "nll", "brier", "ece", "eceFloor", "fitSeconds"};

  private CompareClassifiersJob() {}

  static int run(JobArgs args) {
    String input = args.required("input");
    String nullValue = args.value("null-value", null);
    String label = DataIO.readableName(args.required("label"));
    String features = args.value("features", null);
    int splits = args.intValue("splits", 20);
    double testFraction = args.doubleValue("test-fraction", 0.2);
    int mlpIterations = args.intValue("mlp-max-iter", 100);
    Map<String, String> params = args.params();
    args.finish();
    if (splits < 1) throw new UsageException("--splits must be >= 1");
    if (!(testFraction > 0 && testFraction < 1)) throw new UsageException("--test-fraction must be in (0, 1)");

    SparkSession spark = SparkSessions.create("spark-bnn compare-classifiers");
    Dataset<Row> raw = DataIO.read(spark, input, nullValue);
    FeatureColumns featureColumns = FeatureColumns.choose(raw, label, features);
    Dataset<Row> complete = DataIO.completeRows(raw, featureColumns.numeric(), new String[] {label}, label, params,
        "compare-classifiers");
    // Class indices 0..K-1 in the label values' sort order, with the nominal metadata both classifiers read.
    StringIndexerModel indexer = new StringIndexer().setInputCol(label).setOutputCol("_class")
        .setStringOrderType("alphabetAsc").fit(complete);
    TrainJob.requireClasses(complete, label, indexer.labelsArray()[0]);
    Dataset<Row> indexed = indexer.transform(complete);
    Dataset<Row> numbered = PermutationSplits.numbered(indexed);
    Dataset<Row> data = featureColumns.assembled(numbered, col(PermutationSplits.ROW), col("_class").as("label"))
        .cache();
    long n = data.count();
    int numClasses = (int) data.agg(functions.max("label")).first().getDouble(0) + 1;
    // The network's inputs: a one-hot encoded text column is one per category.
    int inputs = data.first().<org.apache.spark.ml.linalg.Vector>getAs(DataIO.FEATURES).size();
    BayesByBackpropClassifier template = new BayesByBackpropClassifier();
    StageParams.apply(template, params);
    int[] hidden = template.getHiddenLayers();
    System.out.printf("compare-classifiers: %s, %d rows, %d classes, %d features (%d inputs), hidden %s, %d splits%n",
        input, n, numClasses, featureColumns.names.length, inputs, java.util.Arrays.toString(hidden), splits);

    double[][][] results = new double[2][splits][];
    PermutationSplits permutations = new PermutationSplits(n, testFraction);
    for (int s = 0; s < splits; s++) {
      Dataset<Row>[] trainTest = permutations.split(data, s);
      Dataset<Row> train = trainTest[0].cache();
      Dataset<Row> test = trainTest[1].cache();

      BayesByBackpropClassifier bnn = template.copy(new org.apache.spark.ml.param.ParamMap()).setSeed(s);
      bnn.setFeaturesCol(DataIO.FEATURES).setLabelCol("label");
      long start = System.nanoTime();
      Dataset<Row> bnnScored = bnn.fit(train).transform(test);
      results[0][s] = score(bnnScored, (System.nanoTime() - start) / 1e9);

      int[] layers = new int[hidden.length + 2];
      layers[0] = inputs;
      System.arraycopy(hidden, 0, layers, 1, hidden.length);
      layers[layers.length - 1] = numClasses;
      Pipeline mlp = new Pipeline().setStages(new PipelineStage[] {
          new StandardScaler().setInputCol(DataIO.FEATURES).setOutputCol("scaled").setWithMean(true),
          new MultilayerPerceptronClassifier().setLayers(layers).setFeaturesCol("scaled").setLabelCol("label")
              .setMaxIter(mlpIterations).setSeed(s)});
      start = System.nanoTime();
      PipelineModel mlpModel = mlp.fit(train);
      results[1][s] = score(mlpModel.transform(test), (System.nanoTime() - start) / 1e9);
      System.out.printf("split %d: test rows %d  BBB %s  MLP %s%n", s, test.count(), format(results[0][s]),
          format(results[1][s]));
      train.unpersist();
      test.unpersist();
    }
    String[] names = {"BayesByBackpropClassifier", "MultilayerPerceptronClassifier"};
    for (int m = 0; m < 2; m++) {
      System.out.println("RESULT " + names[m] + ":" + SplitSummary.format(METRICS, results[m]));
    }
    return 0;
  }

  /**
   * accuracy, NLL, Brier, ECE of the probability column and the ECE a calibrated classifier with the same
   * confidences would score ({@link CategoricalPredictiveMetrics#eceFloor}), then the fit time.
   */
  private static double[] score(Dataset<Row> scored, double seconds) {
    CategoricalPredictiveMetrics m = new ClassificationCalibrationEvaluator().metrics(scored);
    return new double[] {m.accuracy(), m.nll(), m.brier(), m.ece(), m.eceFloor(), seconds};
  }

  private static String format(double[] r) {
    return String.format("acc %.4f nll %.4f brier %.4f ece %.4f (floor %.4f) (%.0f s)", r[0], r[1], r[2], r[3], r[4],
        r[5]);
  }
}
