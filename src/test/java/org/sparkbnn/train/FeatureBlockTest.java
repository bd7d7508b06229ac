package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.sparkbnn.input.ColumnMoments;
import org.sparkbnn.input.LabelDomain;
import org.sparkbnn.input.Standardization;

/** Packed rows keep the digits of a column that varies by a little around a large value. */
class FeatureBlockTest {
  /**
   * Feature 10^12 + i / 2 and label 10^15 + i, i = 0..99 (exact in float64: its spacing is 1.2e-4 at 10^12 and
   * 0.125 at 10^15). As float32 (spacing 65,536 and 1.3e8 there) both would be constants; as offsets from the
   * partition's first row they are exact, in blocks of 16 rows as in one. So the moments are the float64 ones: means
   * 10^12 + 24.75 and 10^15 + 49.5, standard deviations sqrt((100^2 - 1) / 12) / 2 = 14.43 and 28.87 (population);
   * the tolerances allow Welford's update a few units of the last place of 10^15 (0.125 each) in the mean. Every
   * standardised label a minibatch draws, mapped back, is one of the integers i: float32 keeps its standardised value
   * (at most 1.8) to 1e-7, 3e-6 in label units, far inside the 0.01 asked.
   */
  @Test
  void aSmallVariationAroundALargeValueKeepsItsDigits() {
    BlockBuilder builder = new BlockBuilder("features", "label", 1, LabelDomain.continuous(), false, null);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) rows.add(RowFactory.create(Vectors.dense(1e12 + i / 2.0), 1e15 + i));
    PartitionBlocks part = PartitionBlocks.of(builder.build(0, rows.iterator(), 16).iterator());
    ColumnMoments moments = part.moments();
    double sd = Math.sqrt((100 * 100 - 1) / 12.0);
    assertEquals(1e12 + 24.75, moments.mean(0), 1e-3);
    assertEquals(sd / 2, moments.std(0), 1e-6);
    assertEquals(1e15 + 49.5, moments.mean(1), 1.0);
    assertEquals(sd, moments.std(1), 1e-3);
    for (int r = 0; r < 100; r++) assertEquals(1e15 + r, part.label(r), 0.0, "row " + r);

    Standardization standardization = Standardization.fromMoments(moments, 1);
    float[] x = new float[64];
    float[] y = new float[64];
    MinibatchSampler.sampleInto(part, 64, standardization, 7, 0, x, y);
    java.util.Set<Long> drawn = new java.util.TreeSet<>();
    for (int i = 0; i < 64; i++) {
      double label = y[i] * standardization.labelScale() + standardization.labelMean() - 1e15;
      double feature = (x[i] * standardization.featureScale()[0] + standardization.featureMean()[0] - 1e12) * 2;
      assertEquals(Math.rint(label), label, 0.01, "draw " + i);
      assertEquals(label, feature, 0.01, "the feature of the same row, draw " + i);
      drawn.add(Math.round(label));
    }
    assertTrue(drawn.size() > 30, "64 draws of 100 rows hit ~48 distinct ones: " + drawn);
  }
}
