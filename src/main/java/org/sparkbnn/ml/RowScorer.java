package org.sparkbnn.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkbnn.bayes.PosteriorPredictive;
import org.sparkbnn.train.FeatureValidation;
import org.sparkbnn.train.InvalidInputException;
import org.sparkbnn.train.Standardization;

/**
 * Scores one partition in batches of {@value #BATCH_ROWS} rows: each batch is one matrix through the T sampled
 * networks. Appends mean, variance and (if configured) the epistemic and aleatoric parts, in original units.
 */
final class RowScorer implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int BATCH_ROWS = 1024;

  private final ModelSpec spec;
  private final double[] theta;
  private final Standardization standardization;
  private final int samples;
  private final long seed;
  private final int featuresIndex;
  private final String featuresCol;
  private final boolean skipInvalid;
  private final boolean epistemic;
  private final boolean aleatoric;
  private final boolean lower;
  private final boolean upper;
  /** Gaussian quantile of the interval: bounds are mean -+ z sqrt(variance). */
  private final double z;

  RowScorer(ModelSpec spec, double[] theta, Standardization standardization, int featuresIndex,
            BayesByBackpropRegressionModel params) {
    this.spec = spec;
    this.theta = theta;
    this.standardization = standardization;
    this.samples = params.getPredictSamples();
    this.seed = params.getSeed();
    this.featuresIndex = featuresIndex;
    this.featuresCol = params.getFeaturesCol();
    this.skipInvalid = params.skipInvalid();
    this.epistemic = !params.getEpistemicVarianceCol().isEmpty();
    this.aleatoric = !params.getAleatoricVarianceCol().isEmpty();
    this.lower = !params.getLowerBoundCol().isEmpty();
    this.upper = !params.getUpperBoundCol().isEmpty();
    this.z = new NormalDistribution().inverseCumulativeProbability(0.5 + params.getIntervalLevel() / 2);
  }

  Iterator<Row> score(Iterator<Row> input) {
    PosteriorPredictive predictive = new PosteriorPredictive(spec.network(), theta, samples, seed);
    return new Iterator<Row>() {
      private final List<Row> pending = new ArrayList<>();
      private int next;
      private long rowIndex = -1;

      @Override public boolean hasNext() {
        if (next < pending.size()) return true;
        pending.clear();
        next = 0;
        fill();
        return !pending.isEmpty();
      }

      @Override public Row next() {
        if (!hasNext()) throw new NoSuchElementException();
        return pending.get(next++);
      }

      private void fill() {
        List<Row> batch = new ArrayList<>(BATCH_ROWS);
        while (batch.size() < BATCH_ROWS && input.hasNext()) {
          Row row = input.next();
          rowIndex++;
          String problem = FeatureValidation.problem(row.get(featuresIndex), featuresCol, spec.numFeatures);
          if (problem != null) {
            if (skipInvalid) continue;
            throw new InvalidInputException(problem + " (row " + rowIndex + " of the partition being scored;"
                + " set handleInvalid=skip to drop such rows)");
          }
          batch.add(row);
        }
        if (!batch.isEmpty()) pending.addAll(scoreBatch(batch, predictive));
      }
    };
  }

  private List<Row> scoreBatch(List<Row> batch, PosteriorPredictive predictive) {
    int d = spec.numFeatures;
    float[] x = new float[batch.size() * d];
    for (int i = 0; i < batch.size(); i++) {
      Vector v = (Vector) batch.get(i).get(featuresIndex);
      for (int j = 0; j < d; j++) x[i * d + j] = standardization.feature(j, v.apply(j));
    }
    INDArray moments = predictive.predict(Nd4j.create(x, new long[] {batch.size(), d}, 'c'));
    double[][] m = moments.toDoubleMatrix();
    double scale2 = standardization.labelScale() * standardization.labelScale();
    List<Row> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      double mean = m[i][0] * standardization.labelScale() + standardization.labelMean();
      double epi = m[i][1] * scale2;
      double alea = m[i][2] * scale2;
      if (!Double.isFinite(mean) || !Double.isFinite(epi) || !Double.isFinite(alea)) {
        throw new IllegalStateException("prediction is not finite (mean " + mean + ", epistemic variance " + epi
            + ", aleatoric variance " + alea + ") for features " + batch.get(i).get(featuresIndex));
      }
      Row row = batch.get(i);
      int width = row.length();
      Object[] values = new Object[width + 2 + count(epistemic, aleatoric, lower, upper)];
      for (int c = 0; c < width; c++) values[c] = row.get(c);
      int c = width;
      values[c++] = mean;
      values[c++] = epi + alea;
      if (epistemic) values[c++] = epi;
      if (aleatoric) values[c++] = alea;
      if (lower) values[c++] = mean - z * Math.sqrt(epi + alea);
      if (upper) values[c] = mean + z * Math.sqrt(epi + alea);
      out.add(RowFactory.create(values));
    }
    return out;
  }

  private static int count(boolean... flags) {
    int n = 0;
    for (boolean f : flags) n += f ? 1 : 0;
    return n;
  }
}
