package org.sparkbnn.jobs;

import static org.apache.spark.sql.functions.col;

import java.util.BitSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The random train/test splits of the UCI protocol, the very splits of Hernández-Lobato and Adams (2015) that Gal
 * and Ghahramani (2016) and later work publish as index files: split s is the (s+1)-th uniformly random permutation
 * of the n rows drawn from numpy's legacy generator seeded with 1 ({@link NumpyLegacyRandom}); its first
 * round(n (1 - testFraction)) positions train and the rest test. For a data set in the published row order (UCI's),
 * the rows of each split are those of the published files, so figures compare split for split. Rows are numbered in
 * input order, so a split holds the same rows whatever the partitioning.
 */
final class PermutationSplits {
  static final String ROW = "_row";

  /** The seed of the published splits' generator (their script's np.random.seed(1)). */
  private static final long PUBLISHED_SEED = 1;

  private final long numRows;
  private final double testFraction;
  /** The generator after {@link #drawn} permutations: splits are asked for in order, so each is drawn once. */
  private NumpyLegacyRandom generator;
  private int drawn;

  PermutationSplits(long numRows, double testFraction) {
    if (numRows > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("permutation splits of more than 2^31 rows are not supported: " + numRows);
    }
    this.numRows = numRows;
    this.testFraction = testFraction;
  }

  /** {@code data} with a {@value #ROW} column numbering its rows 0..n-1 in input order. */
  static Dataset<Row> numbered(Dataset<Row> data) {
    StructType schema = data.schema().add(ROW, DataTypes.LongType, false);
    JavaRDD<Row> rows = data.javaRDD().zipWithIndex().map(t -> {
      Object[] values = new Object[t._1().size() + 1];
      for (int i = 0; i < t._1().size(); i++) values[i] = t._1().get(i);
      values[values.length - 1] = t._2();
      return RowFactory.create(values);
    });
    return data.sparkSession().createDataFrame(rows, schema);
  }

  int numTest() {
    return (int) (numRows - Math.round(numRows * (1 - testFraction)));
  }

  /** The rows of split s's test set: the last {@link #numTest} positions of split s's permutation. */
  BitSet testRows(int split) {
    int[] order = permutation(split);
    int n = order.length;
    BitSet test = new BitSet(n);
    for (int i = n - numTest(); i < n; i++) test.set(order[i]);
    return test;
  }

  /** Split s's permutation of the rows (its first positions train): the generator's (s+1)-th. */
  int[] permutation(int split) {
    if (split < 0) throw new IllegalArgumentException("split " + split);
    if (generator == null || split < drawn) {
      generator = new NumpyLegacyRandom(PUBLISHED_SEED);
      drawn = 0;
    }
    for (; drawn < split; drawn++) generator.permutation((int) numRows);
    drawn++;
    return generator.permutation((int) numRows);
  }

  /** {train, test} of split s, from rows numbered by {@link #numbered}. */
  Dataset<Row>[] split(Dataset<Row> numberedRows, int split) {
    BitSet test = testRows(split);
    UDF1<Long, Boolean> inTest = row -> test.get((int) (long) row);
    org.apache.spark.sql.expressions.UserDefinedFunction isTest = functions.udf(inTest, DataTypes.BooleanType);
    Dataset<Row> tagged = numberedRows.withColumn("_test", isTest.apply(col(ROW)));
    @SuppressWarnings("unchecked")
    Dataset<Row>[] parts = new Dataset[] {tagged.where(col("_test").equalTo(false)).drop("_test"),
        tagged.where(col("_test")).drop("_test")};
    return parts;
  }
}
