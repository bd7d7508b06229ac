package org.sparkbnn.train;

import java.nio.ByteBuffer;
import java.util.List;
import org.sparkbnn.train.collective.PeerMesh;

/**
 * Inside one task of a collective fit: computes this partition's gradient and all-reduces it with the other
 * tasks, so that every task ends the step with the same float64 sum the driver would have formed. Two rounds:
 * a reduce-scatter, in which the owner of each chunk of the parameter vector adds every partition's piece of it
 * in partition order (as {@link GradientAggregator} does), then an all-gather of the summed chunks. Element i's
 * sum is therefore computed once, by one task, in the same order as in sparkJob mode: bit-identical.
 */
final class CollectiveGradientSource implements GradientSource {
  /** Per-partition header of a reduce-scatter message: step, has-gradient flag, NLL, compute time. */
  private static final int HEADER = 8 + 4 + 8 + 8;

  private final FeatureBlock block;
  private final PeerMesh mesh;
  private final long[] partitionRows;
  /** Test hook: stop answering at this step (to test the timeout), or -1. */
  private final long stallAtStep;

  CollectiveGradientSource(FeatureBlock block, PeerMesh mesh, long[] partitionRows, long stallAtStep) {
    this.block = block;
    this.mesh = mesh;
    this.partitionRows = partitionRows.clone();
    this.stallAtStep = stallAtStep;
  }

  @Override public long[] partitionRows() { return partitionRows.clone(); }

  @Override
  public List<PartitionGradient> compute(StepFunction function, float[] theta, long step, int[] shares) {
    throw new UnsupportedOperationException("a collective task sees only its own partition");
  }

  @Override
  public StepGradient step(StepFunction function, float[] theta, long step, int[] shares) {
    int size = mesh.size();
    int rank = mesh.rank();
    int n = theta.length;
    PartitionGradient mine = function.compute(block, theta, step, shares[rank]);
    if (step == stallAtStep) stall();
    String during = "in the all-reduce of step " + step + " (partition " + rank + ")";

    ByteBuffer[] out = new ByteBuffer[size];
    for (int j = 0; j < size; j++) {
      int from = chunkStart(j, n, size);
      int to = chunkStart(j + 1, n, size);
      ByteBuffer b = ByteBuffer.allocate(HEADER + 4 * (to - from));
      b.putLong(step).putInt(mine.gradient == null ? 0 : 1).putDouble(mine.nll).putLong(mine.computeNanos);
      if (mine.gradient != null) for (int i = from; i < to; i++) b.putFloat(mine.gradient[i]);
      out[j] = b.flip();
    }
    ByteBuffer[] in = mesh.exchange(out, during);

    // This rank owns chunk `rank`: sum it over partitions 0..size-1 in order.
    int from = chunkStart(rank, n, size);
    int to = chunkStart(rank + 1, n, size);
    double[] sum = new double[n];
    double nll = 0;
    long slowest = 0;
    long total = 0;
    for (int p = 0; p < size; p++) {
      ByteBuffer b = p == rank ? out[p].rewind() : in[p];
      long peerStep = b.getLong();
      if (peerStep != step) throw new IllegalStateException("partition " + p + " is at step " + peerStep + ", " + during);
      boolean has = b.getInt() == 1;
      double partNll = b.getDouble();
      long nanos = b.getLong();
      slowest = Math.max(slowest, nanos);
      total += nanos;
      if (!has) continue;
      nll += partNll;
      for (int i = from; i < to; i++) sum[i] += b.getFloat();
    }

    ByteBuffer chunk = ByteBuffer.allocate(8 + 8 * (to - from)).putLong(step);
    for (int i = from; i < to; i++) chunk.putDouble(sum[i]);
    chunk.flip();
    for (int j = 0; j < size; j++) out[j] = chunk.duplicate();
    in = mesh.exchange(out, "in the all-gather of step " + step + " (partition " + rank + ")");
    for (int p = 0; p < size; p++) {
      if (p == rank) continue;
      ByteBuffer b = in[p];
      if (b.getLong() != step) throw new IllegalStateException("partition " + p + " is out of step, " + during);
      for (int i = chunkStart(p, n, size), end = chunkStart(p + 1, n, size); i < end; i++) sum[i] = b.getDouble();
    }
    return new StepGradient(sum, nll, slowest, total);
  }

  /** Chunk j of n parameters over size tasks: [chunkStart(j), chunkStart(j + 1)). */
  static int chunkStart(int j, int n, int size) {
    return (int) ((long) j * n / size);
  }

  private static void stall() {
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("stalled task interrupted");
    }
  }
}
