package org.sparkbnn.jobs;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkbnn.bayes.IntervalCalibration;
import org.sparkbnn.ml.BayesByBackpropRegressionModel;
import org.sparkbnn.ml.BayesByBackpropRegressor;
import org.sparkbnn.ml.evaluation.GaussianPredictiveMetrics;
import org.sparkbnn.input.BadInputException;

/**
 * {@code evaluate}: the UCI regression protocol of Hernández-Lobato and Adams (2015): k random 90/10 splits, the
 * published ones ({@link PermutationSplits});
 * per split, fit on 90% and report on the held-out 10% the RMSE and the average predictive log-likelihood in
 * original units (of the Monte-Carlo mixture, and of its Gaussian reading), the coverage of the central 90% and 95%
 * prediction intervals and the calibration error; then mean ± standard error over the splits.
 */
final class EvaluateJob {
  /** With 10% held out, 20 rows give 2 test rows per split. */
  static final int MIN_ROWS = 20;
  private static final String LOG_LIKELIHOOD = "logLikelihood";
  private static final String LABEL_CDF = "labelCdf";
  private EvaluateJob() {}

  static int run(JobArgs args) {
    String input = args.required("input");
    String nullValue = args.value("null-value", null);
    String label = DataIO.readableName(args.required("label"));
    String features = args.value("features", null);
    int splits = args.intValue("splits", 20);
    Map<String, String> params = args.params();
    args.finish();
    if (splits < 1) throw new UsageException("--splits must be >= 1");

    SparkSession spark = SparkSessions.create("spark-bnn evaluate");
    Dataset<Row> raw = DataIO.read(spark, input, nullValue);
    FeatureColumns featureColumns = FeatureColumns.besideNumericLabel(raw, label, features);
    String[] numericFeatures = featureColumns.numeric();
    String[] numeric = Arrays.copyOf(numericFeatures, numericFeatures.length + 1);
    numeric[numericFeatures.length] = label;
    Dataset<Row> complete = DataIO.completeRows(raw, numeric, new String[0], label, params, "evaluate");
    Dataset<Row> numbered = PermutationSplits.numbered(complete);
    Dataset<Row> data = featureColumns.assembled(numbered, col(PermutationSplits.ROW),
        col(label).cast("double").as("label")).cache();
    long n = data.count();
    if (n < MIN_ROWS) {
      data.unpersist();
      throw new BadInputException("evaluate needs at least " + MIN_ROWS + " rows for its 90/10 splits (so that"
          + " every test split holds rows), but '" + input + "' has " + n);
    }
    System.out.printf("evaluate: %s, %d rows, label '%s', %d features, %d splits%n", input, n, label,
        featureColumns.names.length, splits);

    PermutationSplits permutations = new PermutationSplits(n, 0.1);
    double[][] metrics = new double[splits][];
    Map<String, Integer> noiseModels = new TreeMap<>();
    for (int s = 0; s < splits; s++) {
      Dataset<Row>[] trainTest = permutations.split(data, s);
      Dataset<Row> train = trainTest[0];
      Dataset<Row> test = trainTest[1];
      BayesByBackpropRegressor regressor = new BayesByBackpropRegressor().setSeed(s);
      StageParams.apply(regressor, params);
      regressor.setFeaturesCol(DataIO.FEATURES).setLabelCol("label");
      BayesByBackpropRegressionModel model = regressor.fit(train);
      List<Row> scored = model.setLogLikelihoodCol(LOG_LIKELIHOOD).setLabelCdfCol(LABEL_CDF).transform(test)
          .select("label", "prediction", "variance", LOG_LIKELIHOOD, LABEL_CDF).collectAsList();
      if (scored.isEmpty()) {
        throw new BadInputException("split " + s + " of '" + input + "' has no test rows (" + n + " rows);"
            + " evaluate needs more rows");
      }
      metrics[s] = score(scored, model.calibration());
      String noise = model.fittedLikelihood();
      noiseModels.merge(noise, 1, Integer::sum);
      System.out.printf("split %d: test rows %d, RMSE %.4f, LL %.4f (Gaussian %.4f), PICP90 %.3f, PICP95 %.3f,"
          + " CalErr %.4f (Gaussian %.4f), %s noise%n", s, scored.size(), metrics[s][0], metrics[s][1],
          metrics[s][2], metrics[s][3], metrics[s][4], metrics[s][5], metrics[s][6], noise);
    }
    String[] names = {"RMSE", "test LL", "Gaussian LL", "PICP90", "PICP95", "CalErr", "Gaussian CalErr"};
    System.out.println("RESULT " + input + ":" + SplitSummary.format(names, metrics));
    // With likelihood=auto, how often each noise model was kept says how clearly the data chose.
    System.out.println("noise model kept: " + noiseModels.entrySet().stream()
        .map(e -> e.getKey() + " in " + e.getValue()).collect(Collectors.joining(", ")) + " of " + splits + " splits");
    return 0;
  }

  /**
   * RMSE; the mean log predictive density of y (the model's logLikelihoodCol: its Monte-Carlo mixture, as the
   * protocol's published MC-dropout figures score theirs) and, for comparison, the mean log N(y; mean, variance)
   * of its Gaussian reading; the fractions of y inside the model's central 90% and 95% intervals (as its
   * lowerBoundCol/upperBoundCol would give them: calibrated when the model is); the quantile calibration error of
   * Kuleshov et al. (2018) at the levels 0.1..0.9, of the mixture (from its CDF at y, labelCdfCol) and of the
   * Gaussian reading. Rows: label, mean, variance, log density, CDF at the label.
   */
  static double[] score(List<Row> rows, IntervalCalibration calibration) {
    double[] levels = GaussianPredictiveMetrics.evenLevels(9);
    GaussianPredictiveMetrics at90 = GaussianPredictiveMetrics.withIntervalHalfWidth(calibration.halfWidth(0.9),
        levels);
    GaussianPredictiveMetrics at95 = GaussianPredictiveMetrics.withIntervalHalfWidth(calibration.halfWidth(0.95),
        levels);
    GaussianPredictiveMetrics mixture = GaussianPredictiveMetrics.withIntervalHalfWidth(calibration.halfWidth(0.9),
        levels);
    for (Row r : rows) {
      at90.add(r.getDouble(0), r.getDouble(1), r.getDouble(2));
      at95.add(r.getDouble(0), r.getDouble(1), r.getDouble(2));
      mixture.add(r.getDouble(0), r.getDouble(1), r.getDouble(2), r.getDouble(3), r.getDouble(4));
    }
    return new double[] {at90.rmse(), -mixture.nll(), -at90.nll(), at90.coverage(), at95.coverage(),
        mixture.calibrationError(), at90.calibrationError()};
  }
}
