package org.sparkbnn.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkbnn.train.collective.Exchange;

/**
 * The all-reduce of one step's partition gradients over an {@link Exchange}, with the same float64 result, bit for
 * bit, as {@link GradientAggregator} on the driver: every element is the float64 sum of the partitions' float32
 * values in partition order. A task that computes several partitions ({@link PartitionGroups}) sends each one's
 * gradient, so the sizes below are per partition. Two ways, whichever moves less or waits less:
 * <ul>
 *   <li>direct exchange (two tasks, or small vectors): one round in which every task sends its whole float32
 *       gradient to every other and each adds them all up itself. A task sends (size - 1) x 4n bytes; with two
 *       tasks that is less than the two rounds below move (6n bytes), and a round trip fewer is what matters when
 *       the vector is small and the exchange is latency-bound (a step of the benchmark's network has ~11,000).
 *       Each message also carries the task's share of the step's KL term ({@link KlTerm}).</li>
 *   <li>reduce-scatter + all-gather (three tasks or more and large vectors): the owner of each chunk adds every
 *       partition's piece of it in partition order, then the summed chunks are gathered; about (size - 1) / size of
 *       the vector twice (float32 out, float64 back), which does not grow with the number of tasks.</li>
 * </ul>
 */
public final class AllReduce {
  /** Per-partition header of a message: step, has-gradient flag, NLL, compute time. */
  private static final int HEADER = 8 + 4 + 8 + 8;
  /** Largest message per task (bytes) for which the direct exchange is used with three tasks or more. */
  static final long DIRECT_LIMIT_BYTES = 1 << 20;
  /** Elements summed per block: the block of the sum (16 KB) and of one contribution stay in the L1 cache. */
  private static final int SUM_BLOCK = 2048;
  /** This thread's outgoing buffer of the direct exchange, reused across steps. */
  private static final ThreadLocal<ByteBuffer> DIRECT_OUT = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(0));
  /**
   * This thread's blocks of the contributions being added (the sum is formed block by block, see
   * {@link #sumInBlocks}). Nothing of the gradient's size is allocated per step: a gradient of 10^6 parameters
   * is a G1 humongous object, and allocating them (with the float64 sum) took more than half the all-reduce.
   */
  private static final ThreadLocal<float[][]> PIECES =
      ThreadLocal.withInitial(() -> new float[2][AllReduce.SUM_BLOCK]);

  private AllReduce() {}

  /**
   * {@link #sumInPartitionOrder(Exchange, List, int, long, double[], KlTerm, Runnable)} of a task with one partition
   * and no KL share.
   */
  public static StepGradient sumInPartitionOrder(Exchange mesh, PartitionGradient mine, int n, long step,
                                                 double[] sum, Runnable whileWaiting) {
    return sumInPartitionOrder(mesh, List.of(mine), n, step, sum, null, whileWaiting);
  }

  /** Whether tasks exchanging gradients of n parameters send every task's whole message to every other. */
  static boolean isDirect(int size, int n) {
    return size <= 2 || 4L * n * (size - 1) <= DIRECT_LIMIT_BYTES;
  }

  /**
   * Every task calls this with the gradients of {@code n} parameters of its own partitions (one or more, in
   * partition order; the tasks' runs of partitions follow each other in rank order, {@link PartitionGroups}) and
   * gets the step's sum, written into {@code sum} (length at least n, overwritten). Every partition's gradient
   * travels on its own: floating-point addition is not associative, so a task's partial sum could not be added in
   * the driver's order. {@code whileWaiting} (may be null) is work of the step that does not need the peers'
   * gradients: it runs exactly once, while this task waits for its peers if it has to
   * ({@link Exchange#exchange(ByteBuffer[], String, Runnable)}). {@code kl} (null for none; only where
   * {@link #isDirect}) is the step's KL term whose share this task has computed: the share travels with the
   * gradient, and the peers' shares complete this task's term ({@link KlTerm}).
   */
  public static StepGradient sumInPartitionOrder(Exchange mesh, List<PartitionGradient> mine, int n, long step,
                                                 double[] sum, KlTerm kl, Runnable whileWaiting) {
    if (isDirect(mesh.size(), n)) return direct(mesh, mine, n, step, sum, kl, whileWaiting);
    if (kl != null) throw new IllegalArgumentException("the KL term's shares travel only in the direct exchange");
    return reduceScatterAllGather(mesh, mine, n, step, sum, whileWaiting);
  }

  /** A task's message: how many partitions it computed, then per partition its header and, if any, its floats. */
  private static void write(ByteBuffer out, List<PartitionGradient> mine, int from, int to, long step) {
    out.putInt(mine.size());
    for (PartitionGradient g : mine) {
      out.putLong(step).putInt(g.gradient == null ? 0 : 1).putDouble(g.nll).putLong(g.computeNanos);
      if (g.gradient == null) continue;
      out.asFloatBuffer().put(g.gradient, from, to - from);
      out.position(out.position() + 4 * (to - from));
    }
  }

  private static int messageLength(List<PartitionGradient> mine, int floats) {
    int length = 4;
    for (PartitionGradient g : mine) length += HEADER + (g.gradient == null ? 0 : 4 * floats);
    return length;
  }

  private static StepGradient direct(Exchange mesh, List<PartitionGradient> mine, int n, long step, double[] sum,
                                     KlTerm kl, Runnable whileWaiting) {
    int size = mesh.size();
    int rank = mesh.rank();
    String during = "in the all-reduce of step " + step + " (partition " + rank + ")";
    int length = messageLength(mine, n) + (kl == null ? 0 : kl.shareBytes(rank, size));
    ByteBuffer out = DIRECT_OUT.get();
    if (out.capacity() < length) {
      out = ByteBuffer.allocateDirect(length);
      DIRECT_OUT.set(out);
    }
    out.clear().order(ByteOrder.LITTLE_ENDIAN);
    write(out, mine, 0, n, step);
    if (kl != null) kl.writeShare(out, rank, size);
    out.flip();
    ByteBuffer[] outgoing = new ByteBuffer[size];
    for (int j = 0; j < size; j++) outgoing[j] = out.duplicate();
    ByteBuffer[] in = mesh.exchange(outgoing, during, whileWaiting);

    Totals totals = new Totals();
    List<FloatBuffer> contributions = new ArrayList<>();
    for (int p = 0; p < size; p++) {
      // A duplicate: the mesh reuses its receive buffers, whose byte order the next exchange's reader expects.
      ByteBuffer b = (p == rank ? out : in[p]).duplicate().order(ByteOrder.LITTLE_ENDIAN);
      int count = totals.startTask(b);
      for (int i = 0; i < count; i++) {
        if (!totals.readHeader(b, step, p, during)) continue;
        // This task's own values are read from its gradient arrays (the same floats), not back from the buffer.
        contributions.add(p == rank ? FloatBuffer.wrap(mine.get(i).gradient, 0, n) : b.asFloatBuffer());
        b.position(b.position() + 4 * n);
      }
      totals.endTask();
      if (kl != null && p != rank) kl.readShare(b, p, size);
    }
    if (kl != null) kl.sumShares();
    sumInBlocks(contributions, n, sum);
    return new StepGradient(sum, totals.nll, totals.slowest, totals.total);
  }

  private static StepGradient reduceScatterAllGather(Exchange mesh, List<PartitionGradient> mine, int n, long step,
                                                     double[] sum, Runnable whileWaiting) {
    int size = mesh.size();
    int rank = mesh.rank();
    String during = "in the all-reduce of step " + step + " (partition " + rank + ")";
    ByteBuffer[] out = new ByteBuffer[size];
    for (int j = 0; j < size; j++) {
      int from = chunkStart(j, n, size);
      int to = chunkStart(j + 1, n, size);
      ByteBuffer b = ByteBuffer.allocate(messageLength(mine, to - from));
      write(b, mine, from, to, step);
      out[j] = b.flip();
    }
    ByteBuffer[] in = mesh.exchange(out, during, whileWaiting);

    int from = chunkStart(rank, n, size);
    int to = chunkStart(rank + 1, n, size);
    Arrays.fill(sum, from, to, 0.0);
    float[] piece = new float[to - from];
    Totals totals = new Totals();
    for (int p = 0; p < size; p++) {
      ByteBuffer b = p == rank ? out[p].rewind() : in[p];
      int count = totals.startTask(b);
      for (int i = 0; i < count; i++) {
        if (!totals.readHeader(b, step, p, during)) continue;
        b.asFloatBuffer().get(piece, 0, to - from);
        b.position(b.position() + 4 * (to - from));
        for (int e = from; e < to; e++) sum[e] += piece[e - from];
      }
      totals.endTask();
    }

    ByteBuffer chunk = ByteBuffer.allocate(8 + 8 * (to - from)).putLong(step);
    chunk.asDoubleBuffer().put(sum, from, to - from);
    chunk.rewind();
    for (int j = 0; j < size; j++) out[j] = chunk.duplicate();
    during = "in the all-gather of step " + step + " (partition " + rank + ")";
    in = mesh.exchange(out, during);
    for (int p = 0; p < size; p++) {
      if (p == rank) continue;
      ByteBuffer b = in[p];
      checkStep(b.getLong(), step, p, during);
      int start = chunkStart(p, n, size);
      b.asDoubleBuffer().get(sum, start, chunkStart(p + 1, n, size) - start);
    }
    return new StepGradient(sum, totals.nll, totals.slowest, totals.total);
  }

  /**
   * sum[i] = the float64 sum over the contributions, in their order, of their float32 element i (0 when there are
   * none), as the driver's running sum forms it (0.0 + first + second ...: the leading 0.0 keeps a sum of negative
   * zeros +0.0, as the driver's). Block by block, so that the sum's block and the pieces stay in the L1 cache: the
   * gradient-sized arrays are each read or written once (a 10^6-element sum is bound by memory traffic). Two
   * contributions, the usual case, are added in one loop that writes each element once.
   */
  private static void sumInBlocks(List<FloatBuffer> contributions, int n, double[] sum) {
    float[][] pieces = PIECES.get();
    int k = contributions.size();
    if (k == 0) {
      Arrays.fill(sum, 0, n, 0.0);
      return;
    }
    float[] first = pieces[0];
    float[] second = pieces[1];
    for (int from = 0; from < n; from += SUM_BLOCK) {
      int length = Math.min(SUM_BLOCK, n - from);
      contributions.get(0).get(from, first, 0, length);
      if (k == 2) {
        contributions.get(1).get(from, second, 0, length);
        for (int i = 0; i < length; i++) sum[from + i] = (0.0 + first[i]) + second[i];
        continue;
      }
      for (int i = 0; i < length; i++) sum[from + i] = 0.0 + first[i];
      for (int c = 1; c < k; c++) {
        contributions.get(c).get(from, second, 0, length);
        for (int i = 0; i < length; i++) sum[from + i] += second[i];
      }
    }
  }

  /**
   * The step's NLL and compute times, from every partition's header: the NLL summed in partition order; a task's
   * time is the sum over its partitions (it computes them one after another), the slowest task's and the total.
   */
  private static final class Totals {
    double nll;
    long slowest;
    long total;
    private long task;

    /** Reads how many partitions the task's message holds. */
    int startTask(ByteBuffer b) {
      task = 0;
      return b.getInt();
    }

    void endTask() {
      slowest = Math.max(slowest, task);
    }

    /**
     * Reads partition p's header (step, has-gradient flag, NLL, compute time) and returns whether it carries a
     * gradient: as in GradientAggregator, a partition without rows this step adds nothing.
     */
    boolean readHeader(ByteBuffer b, long step, int p, String during) {
      checkStep(b.getLong(), step, p, during);
      boolean has = b.getInt() == 1;
      double partNll = b.getDouble();
      long nanos = b.getLong();
      task += nanos;
      total += nanos;
      if (has) nll += partNll;
      return has;
    }
  }

  /** Chunk j of n parameters over size tasks: [chunkStart(j), chunkStart(j + 1)). */
  static int chunkStart(int j, int n, int size) {
    return (int) ((long) j * n / size);
  }

  private static void checkStep(long peerStep, long step, int partition, String during) {
    if (peerStep != step) {
      throw new IllegalStateException("partition " + partition + " sent step " + peerStep + " " + during);
    }
  }
}
