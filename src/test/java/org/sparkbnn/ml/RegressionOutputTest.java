package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/**
 * Every on/off combination of the regressor's optional output columns holds the right values: each column
 * equals its counterpart when all are on, and variance = epistemic + aleatoric, bounds = mean -+ z sd; the log
 * predictive density of the label is that of the samples' mixture, in the label's units.
 */
class RegressionOutputTest {
  private static final String[] NAMES = {"var", "epi", "ale", "lo", "hi", "ll", "cdf"};
  private static BayesByBackpropRegressionModel model;
  private static Dataset<Row> data;

  @BeforeAll
  static void fit() {
    data = SyntheticData.sine(SparkTestSession.get(), 60, 0.2, 5, 2).cache();
    model = new BayesByBackpropRegressor().setLengthDoublings(0)
        .setHiddenLayers(8).setMaxEpochs(5).setBatchSize(20).fit(data);
  }

  private static BayesByBackpropRegressionModel withColumns(boolean[] on) {
    BayesByBackpropRegressionModel m = model.copy(new org.apache.spark.ml.param.ParamMap()).setPredictSamples(20);
    return m.setVarianceCol(on[0] ? NAMES[0] : "").setEpistemicVarianceCol(on[1] ? NAMES[1] : "")
        .setAleatoricVarianceCol(on[2] ? NAMES[2] : "").setLowerBoundCol(on[3] ? NAMES[3] : "")
        .setUpperBoundCol(on[4] ? NAMES[4] : "").setLogLikelihoodCol(on[5] ? NAMES[5] : "")
        .setLabelCdfCol(on[6] ? NAMES[6] : "");
  }

  /** Column name -> values, in row order (the input is cached, so the order is stable). */
  private static double[][] columns(Dataset<Row> scored, List<String> names) {
    List<Row> rows = scored.select(names.stream().map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new)).collectAsList();
    double[][] out = new double[names.size()][rows.size()];
    for (int r = 0; r < rows.size(); r++) for (int c = 0; c < names.size(); c++) out[c][r] = rows.get(r).getDouble(c);
    return out;
  }

  @Test
  void everyCombinationOfOptionalColumnsHoldsItsOwnValues() {
    List<String> all = new ArrayList<>(List.of("prediction"));
    all.addAll(Arrays.asList(NAMES));
    double[][] reference =
        columns(withColumns(new boolean[] {true, true, true, true, true, true, true}).transform(data), all);
    double z = new NormalDistribution().inverseCumulativeProbability(0.95);
    for (int r = 0; r < reference[0].length; r++) {
      double mean = reference[0][r];
      double variance = reference[2][r] + reference[3][r];
      // Identities of the predictive, in double precision on values of order 1: relative 1e-12.
      assertEquals(variance, reference[1][r], 1e-12 * Math.max(1, variance), "variance = epistemic + aleatoric");
      assertEquals(mean - z * Math.sqrt(variance), reference[4][r], 1e-9, "lower bound");
      assertEquals(mean + z * Math.sqrt(variance), reference[5][r], 1e-9, "upper bound");
    }
    for (int mask = 0; mask < 128; mask++) {
      boolean[] on = new boolean[7];
      List<String> expected = new ArrayList<>(List.of("prediction"));
      for (int c = 0; c < 7; c++) {
        on[c] = (mask & (1 << c)) != 0;
        if (on[c]) expected.add(NAMES[c]);
      }
      Dataset<Row> scored = withColumns(on).transform(data);
      List<String> appended = Arrays.asList(scored.columns()).subList(data.columns().length, scored.columns().length);
      assertEquals(expected, appended, "columns for mask " + mask);
      double[][] values = columns(scored, expected);
      for (int c = 0; c < expected.size(); c++) {
        assertArrayEquals(reference[all.indexOf(expected.get(c))], values[c], 0.0,
            "column " + expected.get(c) + " with mask " + mask);
      }
    }
  }

  /**
   * With one weight sample of one network with one noise variance, the predictive is the Gaussian N(mean, variance)
   * (its epistemic part is 0): the log density column is log N(y; mean, variance) in the label's units, which the
   * standardisation's scale enters as -log(scale), and the CDF column Phi((y - mean) / sd). The label is scaled by 3
   * and moved by 10 to make that show.
   */
  @Test
  void withOneSampleTheLogDensityIsTheGaussians() {
    Dataset<Row> moved = data.withColumn("label", org.apache.spark.sql.functions.col("label").multiply(3).plus(10));
    BayesByBackpropRegressionModel single = new BayesByBackpropRegressor().setLengthDoublings(0).setEnsembleSize(1)
        .setLikelihood("homoscedastic").setHiddenLayers(8).setMaxEpochs(5).setBatchSize(20).fit(moved)
        .setPredictSamples(1).setEpistemicVarianceCol("epi").setLogLikelihoodCol("ll").setLabelCdfCol("cdf");
    List<Row> rows =
        single.transform(moved).select("label", "prediction", "variance", "epi", "ll", "cdf").collectAsList();
    NormalDistribution normal = new NormalDistribution();
    for (Row r : rows) {
      double y = r.getDouble(0);
      double mean = r.getDouble(1);
      double variance = r.getDouble(2);
      assertEquals(0.0, r.getDouble(3), 0.0, "one sample has no epistemic variance");
      double gaussian = -0.5 * Math.log(2 * Math.PI * variance) - 0.5 * (y - mean) * (y - mean) / variance;
      // The same float32 network output read twice, then double arithmetic of order 1-10: 1e-9.
      assertEquals(gaussian, r.getDouble(4), 1e-9, "log density of row " + r);
      assertEquals(normal.cumulativeProbability((y - mean) / Math.sqrt(variance)), r.getDouble(5), 1e-9,
          "CDF at the label of row " + r);
    }
  }

  /** The columns read the label: without a label column, or on a row without a label, a clear error. */
  @Test
  void theLogDensityNeedsALabel() {
    BayesByBackpropRegressionModel scoring = model.copy(new org.apache.spark.ml.param.ParamMap())
        .setLogLikelihoodCol("ll");
    IllegalArgumentException noColumn = assertThrows(IllegalArgumentException.class,
        () -> scoring.transform(data.drop("label")));
    IllegalArgumentException noColumnForTheCdf = assertThrows(IllegalArgumentException.class,
        () -> model.copy(new org.apache.spark.ml.param.ParamMap()).setLabelCdfCol("F").transform(data.drop("label")));
    org.junit.jupiter.api.Assertions.assertTrue(noColumnForTheCdf.getMessage().contains("labelCdfCol='F'"),
        noColumnForTheCdf.getMessage());
    org.junit.jupiter.api.Assertions.assertTrue(noColumn.getMessage().contains("logLikelihoodCol='ll'")
        && noColumn.getMessage().contains("'label'"), noColumn.getMessage());
    Dataset<Row> unlabelled = data.withColumn("label", org.apache.spark.sql.functions.when(
        org.apache.spark.sql.functions.monotonically_increasing_id().equalTo(3), null)
        .otherwise(org.apache.spark.sql.functions.col("label"))).coalesce(1);
    Exception e = assertThrows(Exception.class, () -> scoring.transform(unlabelled).collect());
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof org.sparkbnn.input.InvalidRowException)) {
      cause = cause.getCause();
    }
    org.junit.jupiter.api.Assertions.assertTrue(cause.getMessage().contains("label column 'label' is null")
        && cause.getMessage().contains("row 3"), String.valueOf(cause.getMessage()));
    // An integer label is read as its number.
    Dataset<Row> integers = data.withColumn("label", org.apache.spark.sql.functions.round(
        org.apache.spark.sql.functions.col("label").multiply(10)).cast("int"));
    Dataset<Row> doubles = integers.withColumn("label", org.apache.spark.sql.functions.col("label").cast("double"));
    assertArrayEquals(columns(scoring.transform(doubles), List.of("ll"))[0],
        columns(scoring.transform(integers), List.of("ll"))[0], 0.0);
  }

  @Test
  void twoOutputsWithOneNameAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.copy(new org.apache.spark.ml.param.ParamMap()).setEpistemicVarianceCol("variance")
            .transformSchema(data.schema()));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("'variance'"), e.getMessage());
  }
}
