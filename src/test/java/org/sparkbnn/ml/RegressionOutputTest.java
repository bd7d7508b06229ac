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
 * equals its counterpart when all are on, and variance = epistemic + aleatoric, bounds = mean -+ z sd.
 */
class RegressionOutputTest {
  private static final String[] NAMES = {"var", "epi", "ale", "lo", "hi"};
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
        .setUpperBoundCol(on[4] ? NAMES[4] : "");
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
    double[][] reference = columns(withColumns(new boolean[] {true, true, true, true, true}).transform(data), all);
    double z = new NormalDistribution().inverseCumulativeProbability(0.95);
    for (int r = 0; r < reference[0].length; r++) {
      double mean = reference[0][r];
      double variance = reference[2][r] + reference[3][r];
      // Identities of the predictive, in double precision on values of order 1: relative 1e-12.
      assertEquals(variance, reference[1][r], 1e-12 * Math.max(1, variance), "variance = epistemic + aleatoric");
      assertEquals(mean - z * Math.sqrt(variance), reference[4][r], 1e-9, "lower bound");
      assertEquals(mean + z * Math.sqrt(variance), reference[5][r], 1e-9, "upper bound");
    }
    for (int mask = 0; mask < 32; mask++) {
      boolean[] on = new boolean[5];
      List<String> expected = new ArrayList<>(List.of("prediction"));
      for (int c = 0; c < 5; c++) {
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

  @Test
  void twoOutputsWithOneNameAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.copy(new org.apache.spark.ml.param.ParamMap()).setEpistemicVarianceCol("variance")
            .transformSchema(data.schema()));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("'variance'"), e.getMessage());
  }
}
