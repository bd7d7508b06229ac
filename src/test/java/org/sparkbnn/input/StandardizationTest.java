package org.sparkbnn.input;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StandardizationTest {
  /**
   * Columns x (1..4), a rare indicator (on in 1 row of 4) and the label: x is standardised, (x - 2.5) / sqrt(1.25);
   * the indicator marked as one stays 0 or 1, and unmarked it is (v - 1/4) / sqrt(3/16): sqrt(3) where it is on.
   */
  @Test
  void indicatorsStayZeroOrOne() {
    ColumnMoments moments = new ColumnMoments(3);
    double[][] rows = {{1, 0, 5}, {2, 0, 6}, {3, 1, 7}, {4, 0, 8}};
    for (double[] row : rows) moments.add(row);
    Standardization marked = Standardization.fromMoments(moments, 2, new boolean[] {false, true});
    assertEquals((4 - 2.5) / Math.sqrt(1.25), marked.feature(0, 4), 1e-6);
    assertEquals(1.0, marked.feature(1, 1), 0.0);
    assertEquals(0.0, marked.feature(1, 0), 0.0);
    assertEquals(6.5, marked.labelMean(), 1e-12);
    Standardization unmarked = Standardization.fromMoments(moments, 2);
    assertEquals(0.75 / Math.sqrt(3.0 / 16), unmarked.feature(1, 1), 1e-6);
    assertEquals(marked.feature(0, 4), unmarked.feature(0, 4), 0.0);
  }
}
