package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkbnn.train.collective.ThreadedRanks;
import org.sparkbnn.train.collective.ThreadedRanks.Transport;

/**
 * The all-reduce against the driver's sum (GradientAggregator), bit for bit, on both of its ways: the direct
 * exchange (two tasks, or a small vector) and reduce-scatter + all-gather (three tasks or more with a vector over
 * {@link AllReduce#DIRECT_LIMIT_BYTES}). Partition {@code empty} (-1: none) has no rows in the step (null
 * gradient), as happens when a small partition's share rounds to zero. Some elements are -0.0 in every partition:
 * the driver's sum starts from +0.0, so theirs is +0.0, and the bits are compared, not only the values. Over TCP
 * (tasks of separate JVMs) and through memory (tasks of one JVM).
 */
class AllReduceTest {
  @ParameterizedTest(name = "{0} tasks, {1} parameters, partition {2} empty, {3}")
  @CsvSource({"2, 11, 1, TCP", "2, 11, -1, TCP", "2, 300000, 1, TCP", "2, 300000, -1, TCP", "3, 11, 1, TCP",
      "3, 300000, 1, TCP", "3, 300000, -1, TCP", "4, 200000, 1, TCP", "2, 11, 1, MEMORY", "2, 300000, -1, MEMORY",
      "3, 11, 1, MEMORY", "3, 300000, 1, MEMORY", "4, 200000, 1, MEMORY"})
  void everyTaskGetsTheDriversSumBitForBit(int size, int n, int empty, Transport transport) throws Exception {
    SplittableRandom rng = new SplittableRandom(size * 31L + n);
    List<PartitionGradient> parts = new ArrayList<>();
    for (int p = 0; p < size; p++) {
      float[] g = null;
      if (p != empty) {
        g = new float[n];
        // Magnitudes spread over many binades, so that a different summation order would change the bits.
        for (int i = 0; i < n; i++) g[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-6, 7)));
        for (int i = 0; i < n; i += 5) g[i] = -0.0f;
      }
      parts.add(new PartitionGradient(p, g, 1.5 * p, 1000L * p));
    }
    double[] stats = new double[3];
    double[] expected = GradientAggregator.sumInPartitionOrder(parts, n, stats);

    List<StepGradient> results = ThreadedRanks.run(size, transport, mesh -> {
      int rank = mesh.rank();
      AtomicInteger alongside = new AtomicInteger();
      StepGradient first =
          AllReduce.sumInPartitionOrder(mesh, parts.get(rank), n, 7, new double[n], alongside::incrementAndGet);
      // A second step on the same mesh and reused buffers must not see the first one's bytes, and overwrites
      // whatever the sum array held.
      double[] stale = new double[n];
      Arrays.fill(stale, Double.NaN);
      StepGradient second =
          AllReduce.sumInPartitionOrder(mesh, parts.get(rank), n, 8, stale, alongside::incrementAndGet);
      assertArrayEquals(first.sum, second.sum, 0.0);
      assertEquals(2, alongside.get(), "the work alongside runs once per all-reduce");
      // Nor may it leave the mesh's buffers changed for another kind of exchange (e.g. the epoch's hash).
      ByteBuffer[] hash = new ByteBuffer[size];
      for (int j = 0; j < size; j++) hash[j] = ByteBuffer.allocate(8).putLong(0, 42L + j);
      ByteBuffer[] got = mesh.exchange(hash, "test");
      for (int p = 0; p < size; p++) if (p != rank) assertEquals(42L + rank, got[p].getLong(0));
      return second;
    });
    for (StepGradient got : results) {
      assertArrayEquals(bits(expected), bits(got.sum));
      assertEquals(stats[0], got.nll, 0.0);
      assertEquals((long) stats[1], got.slowestNanos);
      assertEquals((long) stats[2], got.totalNanos);
    }
  }

  /**
   * Tasks that compute runs of several partitions (more partitions than task slots): every partition's gradient
   * still enters the sum on its own, in partition order, so the sum is the driver's bit for bit, on both ways of the
   * all-reduce; a task's compute time is the sum over its partitions (one after another), the step's the slowest
   * task's.
   */
  @ParameterizedTest(name = "{0} partitions on {1} tasks, {2} parameters, {3}")
  @CsvSource({"5, 2, 11, TCP", "5, 2, 300000, MEMORY", "7, 3, 11, MEMORY", "7, 3, 300000, TCP",
      "7, 3, 300000, MEMORY"})
  void tasksOfSeveralPartitionsGetTheDriversSumBitForBit(int partitions, int size, int n, Transport transport)
      throws Exception {
    SplittableRandom rng = new SplittableRandom(partitions * 131L + n);
    List<PartitionGradient> parts = new ArrayList<>();
    long[] rows = new long[partitions];
    for (int p = 0; p < partitions; p++) {
      float[] g = null;
      rows[p] = 1 + p % 3;
      if (p != 1) { // partition 1 has no rows this step
        g = new float[n];
        for (int i = 0; i < n; i++) g[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-6, 7)));
      }
      parts.add(new PartitionGradient(p, g, 0.25 * p, 1000L * (p + 1)));
    }
    double[] stats = new double[3];
    double[] expected = GradientAggregator.sumInPartitionOrder(parts, n, stats);
    PartitionGroups groups = PartitionGroups.of(rows, size);
    long slowest = 0;
    for (int t = 0; t < size; t++) {
      long task = 0;
      for (int p = groups.first(t); p < groups.end(t); p++) task += parts.get(p).computeNanos;
      slowest = Math.max(slowest, task);
    }
    List<StepGradient> results = ThreadedRanks.run(size, transport, mesh -> AllReduce.sumInPartitionOrder(mesh,
        parts.subList(groups.first(mesh.rank()), groups.end(mesh.rank())), n, 3, new double[n], null, null));
    for (StepGradient got : results) {
      assertArrayEquals(bits(expected), bits(got.sum));
      assertEquals(stats[0], got.nll, 0.0);
      assertEquals(slowest, got.slowestNanos);
      assertEquals((long) stats[2], got.totalNanos);
    }
  }

  private static long[] bits(double[] values) {
    return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
  }
}
