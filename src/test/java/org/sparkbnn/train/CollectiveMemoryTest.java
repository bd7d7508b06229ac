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

/** Bounded blocks, and the memory a task of a collective fit may hold (refusals: SyncModeTest). */
class CollectiveMemoryTest {
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
      assertEquals(r, part.blockOf(r).feature(part.offsetIn(r), 0), 0.0);
      assertEquals(-r, part.label(r), 0.0);
    }
    assertEquals(1, builder.build(0, java.util.Collections.emptyIterator(), 4).size(), "an empty partition");
  }
}
