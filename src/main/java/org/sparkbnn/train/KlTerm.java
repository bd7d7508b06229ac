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

  private int firstBlock(int rank, int size) {
    return AllReduce.chunkStart(rank, blockValues.length, size);
  }

  private int firstWeight(int block) {
    return Math.min(block * FusedElbo.KL_BLOCK, numWeights);
  }

  /** Computes the blocks of task {@code rank} of {@code size}: a contiguous run, the runs in rank order. */
  void computeShare(int rank, int size) {
    long start = System.nanoTime();
    int fromBlock = firstBlock(rank, size);
    int toBlock = firstBlock(rank + 1, size);
    int from = firstWeight(fromBlock);
    int to = firstWeight(toBlock);
    Arrays.fill(gradient, from, to, 0.0);
    Arrays.fill(gradient, rhoOffset + from, rhoOffset + to, 0.0);
    function.addKlBlocks(theta, weight, numRows, fromBlock, toBlock, gradient, blockValues);
    nanos += System.nanoTime() - start;
  }

  /** Bytes of task {@code rank}'s share in a message: its weights' two gradient entries and its blocks' values. */
  int shareBytes(int rank, int size) {
    int fromBlock = firstBlock(rank, size);
    int toBlock = firstBlock(rank + 1, size);
    return 8 * (2 * (firstWeight(toBlock) - firstWeight(fromBlock)) + toBlock - fromBlock);
  }

  void writeShare(ByteBuffer out, int rank, int size) {
    int fromBlock = firstBlock(rank, size);
    int toBlock = firstBlock(rank + 1, size);
    int from = firstWeight(fromBlock);
    int to = firstWeight(toBlock);
    out.asDoubleBuffer().put(gradient, from, to - from).put(gradient, rhoOffset + from, to - from)
        .put(blockValues, fromBlock, toBlock - fromBlock);
    out.position(out.position() + shareBytes(rank, size));
  }

  /** Reads task {@code rank}'s share, as {@link #writeShare} wrote it, into this task's term. */
  void readShare(ByteBuffer in, int rank, int size) {
    int fromBlock = firstBlock(rank, size);
    int toBlock = firstBlock(rank + 1, size);
    int from = firstWeight(fromBlock);
    int to = firstWeight(toBlock);
    in.asDoubleBuffer().get(gradient, from, to - from).get(gradient, rhoOffset + from, to - from)
        .get(blockValues, fromBlock, toBlock - fromBlock);
    in.position(in.position() + shareBytes(rank, size));
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
