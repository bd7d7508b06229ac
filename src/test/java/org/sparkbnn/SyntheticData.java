package org.sparkbnn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Seeded synthetic regression and classification sets used across the tests. */
public final class SyntheticData {
  public static final StructType SCHEMA = new StructType()
      .add("features", new VectorUDT(), true)
      .add("label", DataTypes.DoubleType, true);

  private SyntheticData() {}

  /** y = sin(3x) + N(0, noiseStd^2), x ~ U(-1, 1). */
  public static Dataset<Row> sine(SparkSession spark, int n, double noiseStd, long seed, int partitions) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double x = rng.nextDouble(-1, 1);
      rows.add(RowFactory.create(Vectors.dense(x), Math.sin(3 * x) + noiseStd * rng.nextGaussian()));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  /** y = sin(3x) + N(0, (0.05 + 0.25 (x + 1) / 2)^2): noise standard deviation grows linearly in x. */
  /**
   * y = sin(3x) + e, e from a contaminated Gaussian: N(0, 0.1^2) with probability 0.95, N(0, 1) otherwise
   * (variance 0.0595, heavy-tailed: a Gaussian with that variance puts its 90% interval at -+0.40, which holds
   * 0.95 + 0.05 * P(|Z| < 0.4) = 96.6% of e).
   */
  public static Dataset<Row> contaminatedSine(SparkSession spark, int n, long seed, int partitions) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double x = rng.nextDouble(-1, 1);
      double sd = rng.nextDouble() < 0.05 ? 1.0 : 0.1;
      rows.add(RowFactory.create(Vectors.dense(x), Math.sin(3 * x) + sd * rng.nextGaussian()));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  public static Dataset<Row> heteroscedasticSine(SparkSession spark, int n, long seed, int partitions) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double x = rng.nextDouble(-1, 1);
      rows.add(RowFactory.create(Vectors.dense(x), Math.sin(3 * x) + heteroscedasticStd(x) * rng.nextGaussian()));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  public static double heteroscedasticStd(double x) {
    return 0.05 + 0.25 * (x + 1) / 2;
  }

  /** Rows at the given x values with label sin(3x) (noise-free), one partition per call order. */
  public static Dataset<Row> grid(SparkSession spark, double[] xs) {
    List<Row> rows = new ArrayList<>(xs.length);
    for (double x : xs) rows.add(RowFactory.create(Vectors.dense(x), Math.sin(3 * x)));
    return spark.createDataFrame(rows, SCHEMA);
  }

  /**
   * Three overlapping Gaussian classes in the plane: class c is centred at radius 2, angle 2 pi c / 3, with unit
   * standard deviation per coordinate: they overlap (Bayes-optimal accuracy about 0.92), so probabilities matter.
   */
  public static Dataset<Row> blobs(SparkSession spark, int n, long seed, int partitions) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int c = rng.nextInt(3);
      double angle = 2 * Math.PI * c / 3;
      rows.add(RowFactory.create(Vectors.dense(2 * Math.cos(angle) + rng.nextGaussian(),
          2 * Math.sin(angle) + rng.nextGaussian()), (double) c));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  /** Bayes-optimal class probabilities of {@link #blobs} at (x0, x1): equal priors, isotropic unit Gaussians. */
  public static double[] blobProbabilities(double x0, double x1) {
    double[] p = new double[3];
    double z = 0;
    for (int c = 0; c < 3; c++) {
      double angle = 2 * Math.PI * c / 3;
      double d0 = x0 - 2 * Math.cos(angle);
      double d1 = x1 - 2 * Math.sin(angle);
      p[c] = Math.exp(-0.5 * (d0 * d0 + d1 * d1));
      z += p[c];
    }
    for (int c = 0; c < 3; c++) p[c] /= z;
    return p;
  }

  /**
   * The {@link #blobs} classes embedded in {@code dim} dimensions: x = A z + N(0, 0.1^2) per coordinate with a
   * fixed random dim x 2 matrix A, so the inputs lie near a plane. With {@code offManifold} the features are
   * replaced by N(0, 3^2) draws in all dimensions: inputs of a similar norm, far off that plane.
   */
  public static Dataset<Row> embeddedBlobs(SparkSession spark, int n, long seed, int dim, boolean offManifold) {
    SplittableRandom basis = new SplittableRandom(99);
    double[][] a = new double[dim][2];
    for (int j = 0; j < dim; j++) {
      a[j][0] = basis.nextGaussian();
      a[j][1] = basis.nextGaussian();
    }
    SplittableRandom rng = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int c = rng.nextInt(3);
      double angle = 2 * Math.PI * c / 3;
      double z0 = 2 * Math.cos(angle) + rng.nextGaussian();
      double z1 = 2 * Math.sin(angle) + rng.nextGaussian();
      double[] x = new double[dim];
      for (int j = 0; j < dim; j++) {
        x[j] = offManifold ? 3 * rng.nextGaussian() : a[j][0] * z0 + a[j][1] * z1 + 0.1 * rng.nextGaussian();
      }
      rows.add(RowFactory.create(Vectors.dense(x), (double) c));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }
}
