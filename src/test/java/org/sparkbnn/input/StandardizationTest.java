package org.sparkbnn.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class StandardizationTest {
  /**
   * Columns x (1..4), a rare indicator (on in 1 row of 4), a sex coded 1 or 2, a column of three values and the label:
   * x is standardised, (x - 2.5) / sqrt(1.25); the indicator stays 0 or 1 (standardised it would be
   * (1 - 1/4) / sqrt(3/16) = sqrt(3) where it is on), the sex maps 1 to 0 and 2 to 1, and the three-valued column
   * (0, 0, 1, 2: mean 3/4, variance 11/16) is standardised like x. The label is standardised whatever its values.
   */
  @Test
  void aColumnOfTwoValuesMapsToZeroAndOne() {
    ColumnMoments moments = new ColumnMoments(5);
    double[][] rows = {{1, 0, 2, 0, 5}, {2, 0, 1, 0, 6}, {3, 1, 1, 1, 7}, {4, 0, 2, 2, 8}};
    for (double[] row : rows) moments.add(row);
    Standardization s = Standardization.fromMoments(moments, 4);
    assertEquals((4 - 2.5) / Math.sqrt(1.25), s.feature(0, 4), 1e-6);
    assertEquals(1.0, s.feature(1, 1), 0.0);
    assertEquals(0.0, s.feature(1, 0), 0.0);
    assertEquals(0.0, s.feature(2, 1), 0.0);
    assertEquals(1.0, s.feature(2, 2), 0.0);
    assertEquals((2 - 0.75) / Math.sqrt(11.0 / 16), s.feature(3, 2), 1e-6);
    assertEquals(6.5, s.labelMean(), 1e-12);
    assertEquals(Math.sqrt(1.25), s.labelScale(), 1e-12);
  }

  /**
   * Two values split over partitions are two values once merged, whichever partition saw which; a third value in any
   * partition, or a partition of one value beside another of two different ones, makes the column many-valued; and
   * values that differ by a float32 rounding of a packed offset (FeatureBlock: ~6e-8 of the spread) are one value,
   * while values a millionth apart relative to their size are two.
   */
  @Test
  void twoValuesSurviveTheMergeOfPartitions() {
    double third = 0.1 + (float) (0.3 - 0.1); // 0.3 as a partition with origin 0.1 reads it back
    ColumnMoments a = moments(0.1, 0.1);
    ColumnMoments b = moments(0.3, third, 0.1);
    assertArrayEquals(new double[] {0.1, 0.3}, a.merge(b).twoValues(0), 0.0);
    assertArrayEquals(new double[] {0.1, 0.3}, moments(0.3).merge(moments(0.1)).twoValues(0), 0.0);
    assertNull(moments(0.1, 0.3).merge(moments(0.5)).twoValues(0));
    assertNull(moments(0.1).merge(moments(0.3, 0.5)).twoValues(0));
    assertNull(moments(0.1, 0.3, 0.5).merge(moments(0.1)).twoValues(0));
    assertNull(moments(1.0).twoValues(0), "a constant column is not two-valued");
    assertNull(moments(1.0, 2.0, 1.0 + 2e-6).twoValues(0));
    assertNull(new ColumnMoments(1).merge(moments(0.0, 1.0, 0.5)).twoValues(0));
    assertArrayEquals(new double[] {0.0, 1.0}, new ColumnMoments(1).merge(moments(1.0, 0.0)).twoValues(0), 0.0);
  }

  /** Two values closer than a constant column's spread (Standardization.hasSpread) are standardised as a constant. */
  @Test
  void twoValuesWithoutSpreadAreAConstant() {
    ColumnMoments m = new ColumnMoments(2);
    m.add(new double[] {0, 1});
    m.add(new double[] {1e-13, 2});
    Standardization s = Standardization.fromMoments(m, 1);
    assertEquals(1.0, s.featureScale()[0], 0.0);
    assertEquals(5e-14, s.featureMean()[0], 1e-28);
  }

  private static ColumnMoments moments(double... values) {
    ColumnMoments m = new ColumnMoments(1);
    for (double v : values) m.add(new double[] {v});
    return m;
  }
}
