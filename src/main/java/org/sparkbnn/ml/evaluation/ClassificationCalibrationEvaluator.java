package org.sparkbnn.ml.evaluation;

import java.util.Arrays;
import java.util.Collections;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.sparkbnn.ml.StageReader;
import org.sparkbnn.ml.StageWriter;
import org.sparkbnn.input.BadInputException;

/**
 * A Spark ML Evaluator of predictive class probabilities (any probabilistic classifier's probabilityCol):
 * negative log-likelihood, Brier score, expected calibration error and accuracy
 * ({@link CategoricalPredictiveMetrics}). Spark's MulticlassClassificationEvaluator has log-loss but no
 * calibration error; this one lets CrossValidator select for calibrated probabilities.
 */
public class ClassificationCalibrationEvaluator extends Evaluator
    implements ClassificationCalibrationSetters<ClassificationCalibrationEvaluator>, MLWritable {
  private static final long serialVersionUID = 1L;
  /** Probabilities must sum to 1 within this tolerance. */
  private static final double SUM_TOLERANCE = 1e-6;

  private final String uid;
  private final ClassificationCalibrationParamSet params;

  public ClassificationCalibrationEvaluator() {
    this(Identifiable.randomUID("classificationCalibrationEval"));
  }

  public ClassificationCalibrationEvaluator(String uid) {
    this.uid = uid;
    this.params = new ClassificationCalibrationParamSet(this); // after the uid, which its Params capture
  }

  @Override public String uid() { return uid; }
  @Override public ClassificationCalibrationParamSet paramSet() { return params; }

  @Override
  public boolean isLargerBetter() {
    return "accuracy".equals(getMetricName());
  }

  /** All metrics at once (one pass over the data). */
  public CategoricalPredictiveMetrics metrics(Dataset<?> dataset) {
    String label = getLabelCol();
    String probability = getProbabilityCol();
    StructType schema = dataset.schema();
    for (String c : new String[] {label, probability}) {
      if (!Arrays.asList(schema.fieldNames()).contains(c)) {
        throw new BadInputException("column '" + c + "' does not exist; columns are "
            + Arrays.toString(schema.fieldNames()));
      }
    }
    if (!(schema.apply(label).dataType() instanceof NumericType)) {
      throw new BadInputException("column '" + label + "' must be numeric but is "
          + schema.apply(label).dataType().simpleString());
    }
    if (!schema.apply(probability).dataType().equals(SQLDataTypes.VectorType())) {
      throw new BadInputException("column '" + probability + "' must be a vector of class probabilities but is "
          + schema.apply(probability).dataType().simpleString());
    }
    int bins = getNumBins();
    JavaRDD<Row> rows =
        dataset.select(functions.col(label).cast("double"), functions.col(probability)).javaRDD();
    CategoricalPredictiveMetrics total = rows.mapPartitions(it -> {
      CategoricalPredictiveMetrics m = new CategoricalPredictiveMetrics(bins);
      while (it.hasNext()) {
        Row r = it.next();
        double[] p = checkedProbabilities(r, probability);
        m.add(checkedLabel(r, label, p.length), p);
      }
      return Collections.singletonList(m).iterator();
    }).reduce(CategoricalPredictiveMetrics::merge);
    if (total.count() == 0) throw new BadInputException("cannot evaluate an empty data set");
    return total;
  }

  private static double[] checkedProbabilities(Row r, String col) {
    if (r.isNullAt(1)) throw new BadInputException("column '" + col + "' is null in a row with " + r);
    double[] p = ((Vector) r.get(1)).toArray();
    double sum = 0;
    for (double v : p) {
      if (!(v >= 0 && v <= 1)) {
        throw new BadInputException("column '" + col + "' holds " + Arrays.toString(p)
            + ": probabilities must lie in [0, 1]");
      }
      sum += v;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new BadInputException("column '" + col + "' holds " + Arrays.toString(p) + ", which sums to " + sum
          + " rather than 1");
    }
    return p;
  }

  private static int checkedLabel(Row r, String col, int numClasses) {
    double y = r.isNullAt(0) ? Double.NaN : r.getDouble(0);
    if (!(y >= 0 && y < numClasses && y == Math.rint(y))) {
      throw new BadInputException("column '" + col + "' holds " + (r.isNullAt(0) ? "null" : y)
          + ", not a class index 0.." + (numClasses - 1) + " (the probability vectors have " + numClasses
          + " entries)");
    }
    return (int) y;
  }

  @Override
  public double evaluate(Dataset<?> dataset) {
    CategoricalPredictiveMetrics m;
    try {
      m = metrics(dataset);
    } catch (Exception e) {
      throw BadInputException.surface(e);
    }
    return switch (getMetricName()) {
      case "brier" -> m.brier();
      case "ece" -> m.ece();
      case "accuracy" -> m.accuracy();
      default -> m.nll();
    };
  }

  @Override public ClassificationCalibrationEvaluator copy(ParamMap extra) {
    return (ClassificationCalibrationEvaluator) defaultCopy(extra);
  }
  @Override public MLWriter write() { return new StageWriter(this); }
  public static MLReader<ClassificationCalibrationEvaluator> read() {
    return new StageReader<>(ClassificationCalibrationEvaluator.class);
  }
  public static ClassificationCalibrationEvaluator load(String path) { return read().load(path); }
}
