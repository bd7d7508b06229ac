package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sparkbnn.input.ColumnMoments;

class GradientAggregatorTest {

  /** Task completion order must not change a single bit of the sum. */
  @Test
  void sumDoesNotDependOnArrivalOrder() {
    Random rng = new Random(1);
    List<PartitionGradient> parts = new ArrayList<>();
    for (int p = 0; p < 16; p++) {
      float[] g = new float[100];
      for (int i = 0; i < g.length; i++) g[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(12) - 6));
      parts.add(new PartitionGradient(p, g, rng.nextDouble(), 0));
    }
    double[] stats = new double[3];
    double[] reference = GradientAggregator.sumInPartitionOrder(parts, 100, stats);
    for (int trial = 0; trial < 20; trial++) {
      Collections.shuffle(parts, rng);
      double[] again = GradientAggregator.sumInPartitionOrder(parts, 100, new double[3]);
      assertArrayEquals(reference, again, 0.0);
    }
  }

  @Test
  void sharesAreProportionalAndSumToTheBatch() {
    long[] rows = {1000, 3000, 0, 6000};
    int[] shares = MinibatchSampler.shares(rows, 128);
    assertEquals(128, shares[0] + shares[1] + shares[2] + shares[3]);
    assertEquals(0, shares[2]);
    for (int p : new int[] {0, 1, 3}) {
      double exact = 128.0 * rows[p] / 10000;
      assertTrue(Math.abs(shares[p] - exact) < 1, "share " + shares[p] + " vs " + exact);
    }
  }

  @Test
  void columnMomentsMergeEqualsOnePass() {
    Random rng = new Random(2);
    ColumnMoments all = new ColumnMoments(2);
    ColumnMoments a = new ColumnMoments(2);
    ColumnMoments b = new ColumnMoments(2);
    for (int i = 0; i < 1000; i++) {
      double[] row = {rng.nextGaussian() * 3 + 5, rng.nextDouble()};
      all.add(row);
      (i < 300 ? a : b).add(row);
    }
    a.merge(b);
    assertEquals(all.count(), a.count());
    for (int j = 0; j < 2; j++) {
      assertEquals(all.mean(j), a.mean(j), 1e-12);
      assertEquals(all.std(j), a.std(j), 1e-12);
    }
  }
}
