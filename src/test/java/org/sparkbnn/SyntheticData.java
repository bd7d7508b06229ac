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

/** Seeded synthetic regression sets used across the tests. */
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
}
