package org.sparkbnn.jobs;

import static org.apache.spark.sql.functions.col;

import java.util.BitSet;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The random train/test splits of the UCI protocol (Hernández-Lobato and Adams 2015; the split files of Gal and
 * Ghahramani 2016): split s is a uniformly random permutation of the n rows, seeded by s; its first
 * round(n (1 - testFraction)) rows train and the rest test. Rows are numbered in input order, so a split holds the
 * same rows whatever the partitioning.
 */
final class PermutationSplits {
  static final String ROW = "_row";

  private final long numRows;
  private final double testFraction;

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

  /** The rows of split s's test set: the last {@link #numTest} positions of a Fisher-Yates shuffle seeded by s. */
  BitSet testRows(int split) {
    int n = (int) numRows;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    SplittableRandom rng = new SplittableRandom(split);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    BitSet test = new BitSet(n);
    for (int i = n - numTest(); i < n; i++) test.set(order[i]);
    return test;
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
