package org.sparkbnn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs every partition's step in this process, one block per partition: the no-Spark baseline of the benchmark
 * and of tests. With one thread the partitions run one after another in the calling thread; with more, on a pool
 * of that many threads (as the tasks of a collective fit would) while the calling thread computes the first
 * partition, and {@link #close()} stops the pool.
 */
public final class LocalGradientSource implements GradientSource, AutoCloseable {
  private final List<FeatureBlock> blocks;
  private final ExecutorService pool;

  public LocalGradientSource(List<FeatureBlock> blocks) {
    this(blocks, 1);
  }

  public LocalGradientSource(List<FeatureBlock> blocks, int threads) {
    this.blocks = blocks;
    this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "spark-bnn-local-partition");
      t.setDaemon(true);
      return t;
    }) : null;
  }

  @Override
  public long[] partitionRows() {
    return blocks.stream().mapToLong(FeatureBlock::rows).toArray();
  }

  @Override
  public boolean concurrentPartitions() { return pool != null; }

  @Override
  public List<PartitionGradient> compute(StepFunction function, float[] theta, long step, int[] shares) {
    List<PartitionGradient> out = new ArrayList<>(blocks.size());
    if (pool == null) {
      for (FeatureBlock b : blocks) out.add(function.compute(PartitionBlocks.of(b), theta, step, shares[b.partition]));
      return out;
    }
    // The calling thread computes the first partition itself rather than waiting idle for the pool.
    List<Future<PartitionGradient>> pending = new ArrayList<>(blocks.size());
    for (FeatureBlock b : blocks.subList(1, blocks.size())) {
      pending.add(pool.submit(() -> function.compute(PartitionBlocks.of(b), theta, step, shares[b.partition])));
    }
    FeatureBlock first = blocks.get(0);
    out.add(function.compute(PartitionBlocks.of(first), theta, step, shares[first.partition]));
    try {
      for (Future<PartitionGradient> f : pending) out.add(f.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while computing a step", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
          : new IllegalStateException(e.getCause());
    }
    return out;
  }

  @Override
  public void close() {
    if (pool != null) pool.shutdownNow();
  }
}
