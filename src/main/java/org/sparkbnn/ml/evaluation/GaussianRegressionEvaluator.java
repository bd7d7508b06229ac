package org.sparkbnn.ml.evaluation;

import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.ml.util.MLReader;
import org.sparkbnn.ml.StageReader;
import org.sparkbnn.ml.StageWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.sparkbnn.input.BadInputException;

/**
 * A Spark ML Evaluator for regression with a Gaussian predictive per row (our predictionCol and varianceCol):
 * RMSE, negative log-likelihood, CRPS, central-interval coverage and mean width, and the quantile calibration
 * error of Kuleshov et al. (2018). Spark's RegressionEvaluator ignores the variance; this one scores it, so
 * CrossValidator can select for calibrated uncertainty. With logLikelihoodCol and labelCdfCol (the model's columns
 * of the same names) the NLL and the calibration error are those of the model's own predictive, the mixture of its
 * weight samples, rather than of its Gaussian reading.
 */
public class GaussianRegressionEvaluator extends Evaluator
    implements GaussianRegressionSetters<GaussianRegressionEvaluator>, MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final GaussianRegressionParamSet params;

  public GaussianRegressionEvaluator() {
    this(Identifiable.randomUID("gaussianRegressionEval"));
  }

  public GaussianRegressionEvaluator(String uid) {
    this.uid = uid;
    this.params = new GaussianRegressionParamSet(this); // after the uid, which its Params capture
  }

  @Override public String uid() { return uid; }
  @Override public GaussianRegressionParamSet paramSet() { return params; }

  @Override
  public boolean isLargerBetter() {
    return "coverage".equals(getMetricName());
  }

  /** All metrics at once (one pass over the data). */
  public GaussianPredictiveMetrics metrics(Dataset<?> dataset) {
    // label, prediction, variance, then the optional log density and CDF at the label ("" = off).
    String[] cols = {getLabelCol(), getPredictionCol(), getVarianceCol(), getLogLikelihoodCol(), getLabelCdfCol()};
    StructType schema = dataset.schema();
    for (int i = 0; i < cols.length; i++) {
      String c = cols[i];
      if (c.isEmpty() && i >= 3) continue;
      if (!Arrays.asList(schema.fieldNames()).contains(c)) {
        throw new BadInputException("column '" + c + "' does not exist; columns are "
            + Arrays.toString(schema.fieldNames()));
      }
      if (!(schema.apply(c).dataType() instanceof NumericType)) {
        throw new BadInputException("column '" + c + "' must be numeric but is "
            + schema.apply(c).dataType().simpleString());
      }
    }
    double level = getIntervalLevel();
    double[] levels = GaussianPredictiveMetrics.evenLevels(getNumQuantileLevels());
    JavaRDD<Row> rows = dataset.select(Arrays.stream(cols)
        .map(c -> c.isEmpty() ? functions.lit(Double.NaN) : functions.col(c).cast("double"))
        .toArray(org.apache.spark.sql.Column[]::new)).javaRDD();
    GaussianPredictiveMetrics total = rows.mapPartitions(it -> {
      GaussianPredictiveMetrics m = new GaussianPredictiveMetrics(level, levels);
      while (it.hasNext()) {
        Row r = it.next();
        for (int i = 0; i < cols.length; i++) {
          if (cols[i].isEmpty()) continue;
          if (r.isNullAt(i) || !Double.isFinite(r.getDouble(i))) {
            throw new BadInputException("column '" + cols[i] + "' is " + (r.isNullAt(i) ? "null" : r.get(i))
                + " in a row with " + r);
          }
        }
        if (!(r.getDouble(2) > 0)) {
          throw new BadInputException("column '" + cols[2] + "' must be > 0, got " + r.getDouble(2));
        }
        if (!cols[4].isEmpty() && !(r.getDouble(4) >= 0 && r.getDouble(4) <= 1)) {
          throw new BadInputException("column '" + cols[4] + "' holds a CDF, in [0, 1], got " + r.getDouble(4));
        }
        m.add(r.getDouble(0), r.getDouble(1), r.getDouble(2), r.getDouble(3), r.getDouble(4));
      }
      return java.util.Collections.singletonList(m).iterator();
    }).reduce(GaussianPredictiveMetrics::merge);
    if (total.count() == 0) throw new BadInputException("cannot evaluate an empty data set");
    return total;
  }

  @Override
  public double evaluate(Dataset<?> dataset) {
    GaussianPredictiveMetrics m;
    try {
      m = metrics(dataset);
    } catch (Exception e) {
      throw BadInputException.surface(e);
    }
    return switch (getMetricName()) {
      case "rmse" -> m.rmse();
      case "crps" -> m.crps();
      case "coverage" -> m.coverage();
      case "intervalWidth" -> m.meanIntervalWidth();
      case "calibrationError" -> m.calibrationError();
      default -> m.nll();
    };
  }

  @Override public GaussianRegressionEvaluator copy(ParamMap extra) {
    return (GaussianRegressionEvaluator) defaultCopy(extra);
  }
  @Override public MLWriter write() { return new StageWriter(this); }
  public static MLReader<GaussianRegressionEvaluator> read() {
    return new StageReader<>(GaussianRegressionEvaluator.class);
  }
  public static GaussianRegressionEvaluator load(String path) { return read().load(path); }
}
