package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.input.LabelDomain;

/** Bounded blocks, and a partition too large for a collective task refused before training. */
class CollectiveMemoryTest {
  @Test
  void aPartitionLargerThanATasksBudgetIsRefusedSayingHowManyPartitionsAreNeeded() {
    // 20 features + label = 84 bytes a row; 1,000,000 rows = 80 MB against a 32 MB budget: 3 partitions needed
    // for 1.5M rows in all (126 MB / 32 MB rounded up = 4).
    BadInputException e = assertThrows(BadInputException.class,
        () -> CollectiveTraining.checkTaskMemory(32L << 20, new long[] {500_000, 1_000_000}, 20));
    assertTrue(e.getMessage().contains("partition 1 holds 1000000 training rows (80 MB packed)")
        && e.getMessage().contains("at least 4 partitions"), e.getMessage());
    CollectiveTraining.checkTaskMemory(128L << 20, new long[] {500_000, 1_000_000}, 20);
  }

  @Test
  void theBudgetIsTheTasksShareOfTheExecutorsUnifiedMemory() {
    SparkConf conf = new SparkConf(false).set("spark.executor.memory", "4g").set("spark.executor.cores", "4")
        .set("spark.task.cpus", "2");
    // 4 GiB x 0.6 over 2 concurrent tasks.
    assertEquals((long) (4L * (1 << 30) * 0.6 / 2), CollectiveTraining.taskMemoryBudget(conf, "yarn"));
    assertEquals((long) (Runtime.getRuntime().maxMemory() * 0.6 / 2),
        CollectiveTraining.taskMemoryBudget(new SparkConf(false), "local[2]"));
  }

  @Test
  void aPartitionPacksIntoBlocksOfBoundedSizeReadAsOneSequence() {
    BlockBuilder builder = new BlockBuilder("features", "label", 1, LabelDomain.continuous(), false, null);
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) rows.add(RowFactory.create(Vectors.dense(i), (double) -i));
    List<FeatureBlock> blocks = builder.build(3, rows.iterator(), 4);
    assertEquals(List.of(4, 4, 2), blocks.stream().map(FeatureBlock::rows).collect(java.util.stream.Collectors.toList()));
    PartitionBlocks part = PartitionBlocks.of(blocks.iterator());
    assertEquals(10, part.rows);
    for (int r = 0; r < 10; r++) {
      assertEquals(r, part.blockOf(r).features[part.offsetIn(r)], 0f);
      assertEquals(-r, part.label(r), 0f);
    }
    assertEquals(1, builder.build(0, java.util.Collections.emptyIterator(), 4).size(), "an empty partition");
  }
}
