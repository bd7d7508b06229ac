package org.sparkbnn.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.input.ColumnMoments;

/**
 * The cached blocks of one partition, in order, read as one sequence of rows: row r of the partition is row
 * {@code r - start(b)} of block b. A partition packs into several bounded blocks (maxBlockSizeInMB), so that
 * no single cached object approaches Spark's 2 GB block limit; a partition of one block reads exactly as before.
 */
final class PartitionBlocks {
  final int partition;
  final int rows;
  final int numFeatures;
  private final FeatureBlock[] blocks;
  private final int[] starts;

  private PartitionBlocks(List<FeatureBlock> blocks) {
    if (blocks.isEmpty()) throw new IllegalStateException("a partition without blocks");
    this.blocks = blocks.toArray(new FeatureBlock[0]);
    this.partition = this.blocks[0].partition;
    this.numFeatures = this.blocks[0].numFeatures;
    this.starts = new int[this.blocks.length];
    long total = 0;
    for (int b = 0; b < this.blocks.length; b++) {
      starts[b] = (int) total;
      total += this.blocks[b].rows;
    }
    if (total > Integer.MAX_VALUE) {
      throw new BadInputException("partition " + partition + " holds " + total + " training rows, more than "
          + Integer.MAX_VALUE + "; repartition the data");
    }
    this.rows = (int) total;
  }

  static PartitionBlocks of(Iterator<FeatureBlock> it) {
    List<FeatureBlock> list = new ArrayList<>();
    it.forEachRemaining(list::add);
    return new PartitionBlocks(list);
  }

  static PartitionBlocks of(FeatureBlock block) {
    return new PartitionBlocks(List.of(block));
  }

  /** The block holding partition row r. */
  FeatureBlock blockOf(int r) {
    if (blocks.length == 1) return blocks[0];
    int b = Arrays.binarySearch(starts, r);
    return blocks[b >= 0 ? b : -b - 2];
  }

  /** Row r's index inside {@link #blockOf}. */
  int offsetIn(int r) {
    if (blocks.length == 1) return r;
    int b = Arrays.binarySearch(starts, r);
    return r - starts[b >= 0 ? b : -b - 2];
  }

  /** Feature and label moments over all rows in order (one Welford sequence, as for a single block). */
  ColumnMoments moments() {
    ColumnMoments m = new ColumnMoments(numFeatures + 1);
    for (FeatureBlock b : blocks) b.addTo(m);
    return m;
  }

  long skippedRows() {
    long skipped = 0;
    for (FeatureBlock b : blocks) skipped += b.skippedRows;
    return skipped;
  }

  /** Labels of all rows in order (class counting). */
  double label(int r) {
    return blockOf(r).label(offsetIn(r));
  }
}
