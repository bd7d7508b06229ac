package org.sparkbnn.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.sparkbnn.input.Standardization;
import org.sparkbnn.input.ColumnMoments;

/**
 * The training rows packed once into cached {@link FeatureBlock}s (one or more per partition), with what the
 * trainer needs to know about them: rows per partition, column moments and class counts (merged in partition
 * order, so they do not depend on task timing) and how many invalid rows were skipped.
 */
public final class TrainingData {
  /** The cached blocks' name in Spark's UI and storage listings. */
  public static final String BLOCKS_RDD_NAME = "spark-bnn training blocks";
  private final JavaRDD<FeatureBlock> blocks;
  private final long[] partitionRows;
  private final ColumnMoments moments;
  private final long skippedRows;
  private final long[] classCounts;
  /** The blocks shuffled into the tasks of {@link #regroupedFor}, once per fit (null: not needed yet). */
  private JavaRDD<FeatureBlock> regrouped;
  private PartitionGroups regroupedFor;

  private TrainingData(JavaRDD<FeatureBlock> blocks, long[] partitionRows, ColumnMoments moments, long skipped,
                       long[] classCounts) {
    this.blocks = blocks;
    this.partitionRows = partitionRows;
    this.moments = moments;
    this.skippedRows = skipped;
    this.classCounts = classCounts;
  }

  /**
   * Packs (features vector, label double) rows into blocks of at most {@code maxRowsPerBlock} rows; runs one Spark
   * job, which also validates every row.
   */
  public static TrainingData pack(Dataset<Row> featuresAndLabel, BlockBuilder builder, int numFeatures,
                                  int maxRowsPerBlock) {
    JavaRDD<FeatureBlock> blocks = featuresAndLabel.javaRDD()
        .mapPartitionsWithIndex((p, it) -> builder.build(p, it, maxRowsPerBlock).iterator(), true)
        .setName(BLOCKS_RDD_NAME)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      blocks.context().setJobDescription("spark-bnn: pack and validate training rows");
      boolean countClasses = builder.labelDomain().isCategorical();
      List<PartitionSummary> summaries = new ArrayList<>(blocks.mapPartitions(it -> Collections.singletonList(
          new PartitionSummary(PartitionBlocks.of(it), countClasses)).iterator()).collect());
      summaries.sort(Comparator.comparingInt(s -> s.partition));
      long[] rows = new long[blocks.getNumPartitions()];
      ColumnMoments moments = new ColumnMoments(numFeatures + 1);
      long skipped = 0;
      long[] classCounts = new long[0];
      for (PartitionSummary s : summaries) {
        rows[s.partition] = s.rows;
        moments.merge(s.moments);
        skipped += s.skipped;
        if (s.classCounts.length > classCounts.length) classCounts = Arrays.copyOf(classCounts, s.classCounts.length);
        for (int c = 0; c < s.classCounts.length; c++) classCounts[c] += s.classCounts[c];
      }
      return new TrainingData(blocks, rows, moments, skipped, classCounts);
    } catch (RuntimeException e) {
      blocks.unpersist(false);
      throw e;
    }
  }

  public GradientSource gradientSource() { return new SparkGradientSource(blocks, partitionRows); }

  /** The epochs a fit of this configuration runs over these rows (maxSteps may cut maxEpochs short). */
  public int plannedEpochs(TrainingConfig config) {
    return TrainingPlan.of(config, partitionRows).epochs;
  }

  /** The steps a fit of this configuration runs over these rows. */
  public long plannedSteps(TrainingConfig config) {
    return TrainingPlan.of(config, partitionRows).totalSteps;
  }

  /** How this fit combines its gradients: see {@link SyncMode}. */
  public SyncMode syncMode(String requested, boolean allowUnencrypted) {
    return SyncMode.resolve(requested, blocks.rdd(), partitionRows, moments.columns() - 1, allowUnencrypted);
  }

  /**
   * Trains in one barrier stage over these blocks (a collective {@code sync}); see {@link CollectiveTraining}. The
   * members of a fit share one regrouping of the blocks, when it needs one.
   */
  public TrainingLoop.Result trainCollective(SyncMode sync, TrainingConfig config, Standardization standardization,
                                            java.util.function.Consumer<EpochSummary> onEpoch,
                                            Checkpointer checkpointer, long timeoutMillis) {
    return CollectiveTraining.run(config, standardization, stageInput(sync), sync.groups(), partitionRows, onEpoch,
        checkpointer, timeoutMillis);
  }

  private synchronized JavaRDD<FeatureBlock> stageInput(SyncMode sync) {
    if (!sync.regroup()) return blocks;
    if (regrouped == null || !regroupedFor.equals(sync.groups())) {
      regrouped = CollectiveTraining.regroup(blocks, sync.groups());
      regroupedFor = sync.groups();
    }
    return regrouped;
  }

  /**
   * How many bytes of packed rows one task of a collective fit may hold on this cluster (its share of an
   * executor's unified memory; see {@link CollectiveTraining}).
   */
  public static long taskMemoryBudget(org.apache.spark.SparkContext sc) {
    return CollectiveTraining.taskMemoryBudget(sc.getConf(), sc.master());
  }

  public long numRows() { return moments.count(); }
  public long[] partitionRows() { return partitionRows.clone(); }
  public int numPartitions() { return partitionRows.length; }
  public long skippedRows() { return skippedRows; }

  /** The label's mean and population standard deviation over the valid rows. */
  public double[] labelMoments() {
    int label = moments.columns() - 1;
    return new double[] {moments.mean(label), moments.std(label)};
  }

  /**
   * Rows per class index (classification only; empty for a continuous label). Its length is the largest class
   * index seen plus one.
   */
  public long[] classCounts() { return classCounts.clone(); }

  /** The feature columns that {@link #standardization} maps to 0 and 1 (those of two values). */
  public int[] indicatorFeatures(int numFeatures) {
    return IntStream.range(0, numFeatures).filter(j -> Standardization.isIndicator(moments, j)).toArray();
  }

  /**
   * Standardises the features ({@link Standardization#fromMoments}: a column of two values to 0 and 1), and the
   * label too unless it holds class indices.
   */
  public Standardization standardization(int numFeatures, boolean standardizeLabel) {
    Standardization s = Standardization.fromMoments(moments, numFeatures);
    return standardizeLabel ? s : new Standardization(s.featureMean(), s.featureScale(), 0.0, 1.0);
  }

  public synchronized void release() {
    blocks.unpersist(false);
    regrouped = null; // its shuffle files go with it (Spark's ContextCleaner)
  }

  /** One partition's rows, moments (one Welford pass over its blocks in order) and class counts. */
  private static final class PartitionSummary implements Serializable {
    private static final long serialVersionUID = 1L;
    final int partition;
    final long rows;
    final long skipped;
    final ColumnMoments moments;
    final long[] classCounts;

    PartitionSummary(PartitionBlocks part, boolean countClasses) {
      this.partition = part.partition;
      this.rows = part.rows;
      this.skipped = part.skippedRows();
      this.moments = part.moments();
      long[] counts = new long[0];
      for (int r = 0; countClasses && r < part.rows; r++) {
        int c = (int) part.label(r);
        if (c >= counts.length) counts = Arrays.copyOf(counts, c + 1);
        counts[c]++;
      }
      this.classCounts = counts;
    }
  }
}
