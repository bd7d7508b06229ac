package org.sparkbnn.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The training rows packed once into one cached {@link FeatureBlock} per partition, with what the trainer needs
 * to know about them: rows per partition, column moments (merged in partition order, so they do not depend on
 * task timing) and how many invalid rows were skipped.
 */
public final class TrainingData {
  private final JavaRDD<FeatureBlock> blocks;
  private final long[] partitionRows;
  private final ColumnMoments moments;
  private final long skippedRows;

  private TrainingData(JavaRDD<FeatureBlock> blocks, long[] partitionRows, ColumnMoments moments, long skipped) {
    this.blocks = blocks;
    this.partitionRows = partitionRows;
    this.moments = moments;
    this.skippedRows = skipped;
  }

  /** Packs (features vector, label double) rows; runs one Spark job, which also validates every row. */
  public static TrainingData pack(Dataset<Row> featuresAndLabel, BlockBuilder builder, int numFeatures) {
    JavaRDD<FeatureBlock> blocks = featuresAndLabel.javaRDD()
        .mapPartitionsWithIndex((p, it) -> Collections.singletonList(builder.build(p, it)).iterator(), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      blocks.context().setJobDescription("spark-bnn: pack and validate training rows");
      List<BlockSummary> summaries = new ArrayList<>(blocks.map(BlockSummary::new).collect());
      summaries.sort(Comparator.comparingInt(s -> s.partition));
      long[] rows = new long[blocks.getNumPartitions()];
      ColumnMoments moments = new ColumnMoments(numFeatures + 1);
      long skipped = 0;
      for (BlockSummary s : summaries) {
        rows[s.partition] = s.rows;
        moments.merge(s.moments);
        skipped += s.skipped;
      }
      return new TrainingData(blocks, rows, moments, skipped);
    } catch (RuntimeException e) {
      blocks.unpersist(false);
      throw e;
    }
  }

  public GradientSource gradientSource() { return new SparkGradientSource(blocks, partitionRows); }
  public long numRows() { return moments.count(); }
  public int numPartitions() { return partitionRows.length; }
  public long skippedRows() { return skippedRows; }

  public Standardization standardization(int numFeatures) {
    return Standardization.fromMoments(moments, numFeatures);
  }

  public void release() {
    blocks.unpersist(false);
  }

  private static final class BlockSummary implements Serializable {
    private static final long serialVersionUID = 1L;
    final int partition;
    final long rows;
    final long skipped;
    final ColumnMoments moments;

    BlockSummary(FeatureBlock b) {
      this.partition = b.partition;
      this.rows = b.rows;
      this.skipped = b.skippedRows;
      this.moments = b.moments();
    }
  }
}
