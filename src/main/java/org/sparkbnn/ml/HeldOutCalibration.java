package org.sparkbnn.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbnn.bayes.IntervalCalibration;
import org.sparkbnn.bayes.TemperatureScaling;

/**
 * The calibration step of a fit (calibrationFraction). A row is held out when a hash of its features, label and
 * the seed falls in the first calibrationFraction of the hash range: the choice depends on the row alone, not on
 * partitioning or row order, so the fit and the scoring below see the same rows. The fit validates held-out rows
 * like the others (a bad one is named by its place in the input) but does not train on them; the fitted model
 * then scores them: {@link IntervalCalibration#fit} turns a regressor's residuals into the interval quantiles it
 * carries, {@link TemperatureScaling#fit} a classifier's predictive into its temperature. Held-out and future rows
 * are exchangeable for that model, which is what the conformal argument needs (a model refitted on all rows would
 * have smaller errors than the held-out rows showed, and too wide intervals). The same rows first judge the training
 * length (lengthDoublings, earlyStopping): that choice among a few candidates makes them a little less than
 * exchangeable, which the measured coverage did not show (README, Accuracy).
 */
final class HeldOutCalibration implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HeldOutCalibration.class);
  /** Fewer held-out rows than this leave the model uncalibrated: the 90% quantile would rest on one or two rows. */
  static final int MIN_ROWS = 20;
  /** At most this many held-out rows are collected (ample for the 199 stored quantiles). */
  static final int MAX_ROWS = 100_000;
  private static final long HASH_RANGE = 1_000_000;
  private static final String MEAN = "__bnn_calibration_mean";
  private static final String VARIANCE = "__bnn_calibration_variance";
  private static final String RAW = "__bnn_calibration_raw";
  private static final String LOG_DENSITY = "__bnn_calibration_log_density";

  /** True for the held-out rows; null when the fit is not calibrated. */
  private final Column heldOut;
  private final String labelCol;
  private final List<Dataset<?>> cached = new ArrayList<>();

  private HeldOutCalibration(Column heldOut, String labelCol) {
    this.heldOut = heldOut;
    this.labelCol = labelCol;
  }

  /**
   * Which rows the fit holds out, if any (counting them is one pass over the data): none with
   * fewer than MIN_ROWS of them, or with more than half of all rows (a set of mostly identical rows).
   */
  static HeldOutCalibration plan(FitSettings settings, Dataset<?> dataset) {
    double fraction = settings.calibrationFraction();
    String label = settings.labelCol();
    if (fraction == 0) return new HeldOutCalibration(null, label);
    Column heldOut = hashedOut(settings);
    Row counts = dataset.agg(count(lit(1)), sum(when(heldOut.and(finite(label)), 1).otherwise(0))).first();
    long total = counts.getLong(0);
    long n = counts.isNullAt(1) ? 0 : counts.getLong(1);
    if (n < MIN_ROWS) {
      LOG.warn("calibrationFraction={}: it would hold out only {} of the {} rows it needs;"
          + " training on all rows, and the model is not calibrated", fraction, n, MIN_ROWS);
      return new HeldOutCalibration(null, label);
    }
    if (n > total / 2) {
      // Identical rows hash alike: a set made mostly of copies of a few rows could lose most of them to the hold-out.
      LOG.warn("calibrationFraction={}: the row hash would hold out {} of {} rows (many identical rows?); training"
          + " on all rows, and the model is not calibrated", fraction, n, total);
      return new HeldOutCalibration(null, label);
    }
    LOG.info("Bayes by Backprop: holding out {} rows (calibrationFraction={}) to calibrate the predictive", n,
        fraction);
    return new HeldOutCalibration(heldOut, label);
  }

  /** True for the rows whose hash of (features, label, seed) falls in the first calibrationFraction of its range. */
  static Column hashedOut(FitSettings s) {
    return pmod(xxhash64(col(s.featuresCol()), col(s.labelCol()), lit(s.seed())),
        lit(HASH_RANGE)).lt(lit((long) Math.round(s.calibrationFraction() * HASH_RANGE)));
  }

  /** The held-out indicator for the fit, or null. */
  Column heldOut() { return heldOut; }

  /**
   * Scores a network as a regressor on the held-out rows (cached until {@link #close}): null when nothing is held
   * out. {@code asModel} makes the stage's model of a network.
   */
  LengthChoice.Judge<Residuals> regressionJudge(Dataset<?> dataset,
                                                Function<FittedNetwork, BayesByBackpropRegressionModel> asModel) {
    if (heldOut == null) return null;
    Dataset<?> rows = cached(dataset.where(heldOut.and(finite(labelCol))));
    return network -> residuals(asModel.apply(network), rows);
  }

  /**
   * The trained network with the interval calibration its held-out residuals give (as trained when nothing was held
   * out), after keeping, of it and the {@code shorter} lengths of earlyStopping (may be empty), the one whose
   * predictive has the highest held-out log-likelihood (the full length unless a shorter one is strictly better).
   */
  static FittedNetwork calibrated(NetworkTrainer.Trained trained, LengthChoice.Judge<Residuals> judge) {
    if (judge == null) return trained.network();
    LengthChoice<Residuals> lengths = LengthChoice.of(trained.network(), trained.shorter(), judge);
    Residuals kept = lengths.best();
    IntervalCalibration calibration = IntervalCalibration.fit(kept.residual, kept.variance);
    String note = String.format("%d rows held out; 90%% interval mean -+ %.3f sd (Gaussian 1.645), 95%% -+ %.3f"
        + " sd (1.960)", kept.residual.length, calibration.halfWidth(0.9), calibration.halfWidth(0.95));
    LOG.info("Bayes by Backprop: calibrated: {}", note);
    return lengths.kept().calibrated(calibration, note);
  }

  /** The held-out rows' residuals, predictive variances and log predictive densities under {@code model}. */
  private Residuals residuals(BayesByBackpropRegressionModel model, Dataset<?> rows) {
    // Its own output columns: the user's may be switched off, or named like an input column.
    BayesByBackpropRegressionModel scorer = model.copy(ParamMap.empty()).setPredictionCol(MEAN)
        .setVarianceCol(VARIANCE).setEpistemicVarianceCol("").setAleatoricVarianceCol("").setLowerBoundCol("")
        .setUpperBoundCol("").setLogLikelihoodCol(LOG_DENSITY);
    List<Row> scored = scorer.transform(rows).select(col(labelCol).cast("double"), col(MEAN), col(VARIANCE),
        col(LOG_DENSITY)).limit(MAX_ROWS).collectAsList();
    double[] residual = new double[scored.size()];
    double[] variance = new double[scored.size()];
    double[] logDensity = new double[scored.size()];
    for (int i = 0; i < residual.length; i++) {
      Row r = scored.get(i);
      residual[i] = r.getDouble(0) - r.getDouble(1);
      variance[i] = r.getDouble(2);
      logDensity[i] = r.getDouble(3);
    }
    return new Residuals(residual, variance, logDensity);
  }

  /**
   * Held-out residuals and predictive variances (what the interval calibration reads), and the log predictive
   * density of each row's label (the model's logLikelihoodCol: its Monte-Carlo mixture), by which the candidates are
   * scored: the same score that evaluate reports on the test rows.
   */
  record Residuals(double[] residual, double[] variance, double[] logDensity) implements LengthChoice.Scored {
    @Override public double[] rowLogLikelihoods() { return logDensity; }
  }

  /**
   * Scores a network as a classifier on the held-out rows (cached until {@link #close}): null when nothing is held
   * out. Rows whose label is not one of the network's classes were refused or skipped by the fit's validation; they
   * are left out here too.
   */
  LengthChoice.Judge<LogProbabilities> classificationJudge(Dataset<?> dataset,
      Function<FittedNetwork, BayesByBackpropClassificationModel> asModel) {
    if (heldOut == null) return null;
    Dataset<?> rows = cached(dataset.where(heldOut.and(finite(labelCol))));
    Column label = col(labelCol).cast("double");
    return network -> logProbabilities(asModel.apply(network), rows.where(label.geq(0)
        .and(label.lt(network.spec.numClasses)).and(label.equalTo(functions.floor(label)))));
  }

  /** As {@link #calibrated(NetworkTrainer.Trained, LengthChoice.Judge)}, with the temperature of a classifier. */
  static FittedNetwork temperatureScaled(NetworkTrainer.Trained trained, LengthChoice.Judge<LogProbabilities> judge) {
    if (judge == null) return trained.network();
    LengthChoice<LogProbabilities> lengths = LengthChoice.of(trained.network(), trained.shorter(), judge);
    LogProbabilities kept = lengths.best();
    TemperatureScaling temperature = TemperatureScaling.fit(kept.logProbability, kept.labels, kept.k);
    String note = String.format("%d rows held out; temperature %.3f (probabilities softmax(log p-bar / T))",
        kept.labels.length, temperature.temperature());
    LOG.info("Bayes by Backprop: calibrated: {}", note);
    return lengths.kept().calibrated(temperature, note);
  }

  /** The held-out rows' labels and log predictive probabilities (row-major, numClasses a row) under {@code model}. */
  private LogProbabilities logProbabilities(BayesByBackpropClassificationModel model, Dataset<?> rows) {
    int k = model.numClasses();
    BayesByBackpropClassificationModel scorer = model.copy(ParamMap.empty()).setRawPredictionCol(RAW)
        .setProbabilityCol("").setPredictionCol("").setProbabilityVarianceCol("").setPredictiveEntropyCol("")
        .setExpectedEntropyCol("").setMutualInformationCol("");
    List<Row> scored = scorer.transform(rows).select(col(labelCol).cast("double"), col(RAW)).limit(MAX_ROWS)
        .collectAsList();
    double[] logProbability = new double[scored.size() * k];
    int[] labels = new int[scored.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (int) scored.get(i).getDouble(0);
      System.arraycopy(((Vector) scored.get(i).get(1)).toArray(), 0, logProbability, i * k, k);
    }
    return new LogProbabilities(logProbability, labels, k);
  }

  /** Held-out labels and log predictive probabilities; scored by the mean log-probability of the label. */
  record LogProbabilities(double[] logProbability, int[] labels, int k) implements LengthChoice.Scored {
    @Override public double[] rowLogLikelihoods() {
      double[] ll = new double[labels.length];
      for (int i = 0; i < ll.length; i++) ll[i] = logProbability[i * k + labels[i]];
      return ll;
    }
  }

  /** {@code rows}, cached while several training lengths score them (each scoring is a pass over them). */
  private Dataset<?> cached(Dataset<?> rows) {
    Dataset<?> persisted = rows.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(persisted);
    return persisted;
  }

  /** Releases the held-out rows cached for scoring. */
  @Override
  public void close() {
    cached.forEach(rows -> rows.unpersist(false));
    cached.clear();
  }

  /** Rows whose label is a finite number (the only ones a residual can be taken of). */
  private static Column finite(String column) {
    Column c = col(column).cast("double");
    return c.isNotNull().and(not(c.isNaN())).and(c.notEqual(Double.POSITIVE_INFINITY))
        .and(c.notEqual(Double.NEGATIVE_INFINITY));
  }
}
