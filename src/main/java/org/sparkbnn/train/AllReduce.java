package org.sparkbnn.train;

import java.nio.ByteBuffer;
import org.sparkbnn.train.collective.PeerMesh;

/**
 * The all-reduce of one step's partition gradients over a {@link PeerMesh}, with the same float64 result, bit for
 * bit, as {@link GradientAggregator} on the driver. Two rounds: a reduce-scatter, in which the owner of each
 * chunk of the parameter vector adds every partition's piece of it in partition order, then an all-gather of the
 * summed chunks. Each element's sum is computed once, by one task, in the same order as in sparkJob mode. Per
 * step a task sends and receives about (size - 1) / size of the vector twice (float32 out, float64 back).
 */
public final class AllReduce {
  /** Per-partition header of a reduce-scatter message: step, has-gradient flag, NLL, compute time. */
  private static final int HEADER = 8 + 4 + 8 + 8;

  private AllReduce() {}

  /** Every task calls this with its own partition's gradient of {@code n} parameters and gets the step's sum. */
  public static StepGradient sumInPartitionOrder(PeerMesh mesh, PartitionGradient mine, int n, long step) {
    int size = mesh.size();
    int rank = mesh.rank();
    String during = "in the all-reduce of step " + step + " (partition " + rank + ")";
    ByteBuffer[] out = new ByteBuffer[size];
    for (int j = 0; j < size; j++) {
      int from = chunkStart(j, n, size);
      int to = chunkStart(j + 1, n, size);
      ByteBuffer b = ByteBuffer.allocate(HEADER + 4 * (to - from));
      b.putLong(step).putInt(mine.gradient == null ? 0 : 1).putDouble(mine.nll).putLong(mine.computeNanos);
      if (mine.gradient != null) b.asFloatBuffer().put(mine.gradient, from, to - from);
      out[j] = b.limit(HEADER + (mine.gradient == null ? 0 : 4 * (to - from))).rewind();
    }
    ByteBuffer[] in = mesh.exchange(out, during);

    int from = chunkStart(rank, n, size);
    int to = chunkStart(rank + 1, n, size);
    double[] sum = new double[n];
    float[] piece = new float[to - from];
    double nll = 0;
    long slowest = 0;
    long total = 0;
    for (int p = 0; p < size; p++) {
      ByteBuffer b = p == rank ? out[p].rewind() : in[p];
      checkStep(b.getLong(), step, p, during);
      boolean has = b.getInt() == 1;
      double partNll = b.getDouble();
      long nanos = b.getLong();
      slowest = Math.max(slowest, nanos);
      total += nanos;
      if (!has) continue; // as GradientAggregator: a partition without rows this step adds nothing
      nll += partNll;
      b.asFloatBuffer().get(piece, 0, to - from);
      for (int i = from; i < to; i++) sum[i] += piece[i - from];
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
    return new StepGradient(sum, nll, slowest, total);
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
