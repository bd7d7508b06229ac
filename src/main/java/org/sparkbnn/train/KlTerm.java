package org.sparkbnn.train;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.sparkbnn.bayes.cpu.FusedElbo;

/**
 * A step's KL term at the current parameters, d/dtheta of klWeight KL / N and KL itself, kept apart from the data
 * term: its gradient does not depend on the data term's, so a source may compute it while it waits for its peers
 * ({@link GradientSource#step}); the loop adds it to the summed data-term gradient afterwards ({@link #addTo}).
 *
 * <p>In a collective fit every task needs all of it, and the slowest task, which has no peer to wait for, would
 * compute all of it after its gradient, on every step's critical path (0.06 ms of the benchmark's 0.42 ms step).
 * Where the KL term comes in blocks ({@link StepFunction#klInBlocks}), each task instead computes the blocks of its
 * rank's run ({@link #computeShare}) and sends their gradient entries and values with its gradient
 * ({@link AllReduce}); every task then holds the whole term, with the bits it would have computed itself: each entry
 * is computed by the same code wherever it is, and the value is the blocks' sum in block order either way.
 */
public final class KlTerm implements Runnable {
  private final StepFunction function;
  private final double[] theta;
  private final long numRows;
  /** The term's gradient entries (the means' and the rhos' of every weight; the rest stay 0). */
  private final double[] gradient;
  /** Each block's KL, when the term comes in blocks. */
  private final double[] blockValues;
  private final int numWeights;
  private final int rhoOffset;
  private long step;
  private double weight;
  private double value;
  long nanos;

  KlTerm(StepFunction function, double[] theta, long numRows) {
    this.function = function;
    this.theta = theta;
    this.numRows = numRows;
    this.gradient = new double[theta.length];
    this.blockValues = new double[function.klInBlocks() ? FusedElbo.klBlocks(function.architecture()) : 0];
    this.numWeights = function.architecture().numWeights();
    this.rhoOffset = function.architecture().rhoOffset();
  }

  /** Starts a step: the term of {@code step} with weight klWeight. */
  void prepare(long step, double weight) {
    this.step = step;
    this.weight = weight;
    this.value = Double.NaN;
    this.nanos = 0;
  }

  /** Computes all of the term. */
  @Override
  public void run() {
    long start = System.nanoTime();
    Arrays.fill(gradient, 0.0);
    value = function.addKlGradient(theta, step, weight, numRows, gradient);
    nanos += System.nanoTime() - start;
  }

  /** Whether tasks can compute the term in shares ({@link #computeShare}). */
  boolean inBlocks() {
    return blockValues.length > 0;
  }

  /** Task {@code rank}'s run of blocks, and of weights, of {@code size} tasks: contiguous, the runs in rank order. */
  private record Share(int fromBlock, int toBlock, int from, int to) {
    int bytes() {
      return 8 * (2 * (to - from) + toBlock - fromBlock);
    }
  }

  private Share share(int rank, int size) {
    int fromBlock = AllReduce.chunkStart(rank, blockValues.length, size);
    int toBlock = AllReduce.chunkStart(rank + 1, blockValues.length, size);
    return new Share(fromBlock, toBlock, FusedElbo.klBlockStart(fromBlock, numWeights),
        FusedElbo.klBlockStart(toBlock, numWeights));
  }

  /** Computes the share of task {@code rank} of {@code size}. */
  void computeShare(int rank, int size) {
    long start = System.nanoTime();
    Share share = share(rank, size);
    Arrays.fill(gradient, share.from, share.to, 0.0);
    Arrays.fill(gradient, rhoOffset + share.from, rhoOffset + share.to, 0.0);
    function.addKlBlocks(theta, weight, numRows, share.fromBlock, share.toBlock, gradient, blockValues);
    nanos += System.nanoTime() - start;
  }

  /** Bytes of task {@code rank}'s share in a message: its weights' two gradient entries and its blocks' values. */
  int shareBytes(int rank, int size) {
    return share(rank, size).bytes();
  }

  void writeShare(ByteBuffer out, int rank, int size) {
    Share share = share(rank, size);
    int weights = share.to - share.from;
    out.asDoubleBuffer().put(gradient, share.from, weights).put(gradient, rhoOffset + share.from, weights)
        .put(blockValues, share.fromBlock, share.toBlock - share.fromBlock);
    out.position(out.position() + share.bytes());
  }

  /** Reads task {@code rank}'s share, as {@link #writeShare} wrote it, into this task's term. */
  void readShare(ByteBuffer in, int rank, int size) {
    Share share = share(rank, size);
    int weights = share.to - share.from;
    in.asDoubleBuffer().get(gradient, share.from, weights).get(gradient, rhoOffset + share.from, weights)
        .get(blockValues, share.fromBlock, share.toBlock - share.fromBlock);
    in.position(in.position() + share.bytes());
  }

  /** After every task's share is in: the term's value, as {@link #run} forms it. */
  void sumShares() {
    value = FusedElbo.klOfBlocks(blockValues);
  }

  /** Adds the term's gradient to {@code grad} and returns KL. */
  double addTo(double[] grad) {
    for (int i = 0; i < grad.length; i++) grad[i] += gradient[i];
    return value;
  }
}
