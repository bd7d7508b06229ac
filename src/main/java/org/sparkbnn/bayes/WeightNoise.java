package org.sparkbnn.bayes;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The noise of one Monte-Carlo sample of one training step. Weight noise depends only on (seed, step, sample),
 * so every partition uses the same weight sample and the driver can recompute it for the Monte-Carlo KL;
 * per-row (local reparameterisation) noise also depends on the partition.
 */
public final class WeightNoise {
  private final long seed;
  private final long step;
  private final int sample;
  private final int partition;
  private final DataType dataType;

  public WeightNoise(long seed, long step, int sample, int partition, DataType dataType) {
    this.seed = seed;
    this.step = step;
    this.sample = sample;
    this.partition = partition;
    this.dataType = dataType;
  }

  /** eps ~ N(0, I) over all weights and biases (length numWeights). */
  public INDArray weightEps(int numWeights) {
    return GaussianNoise.standardNormal(weightKey(seed, step, sample), dataType, numWeights);
  }

  /** Per-row pre-activation noise of one layer (rows x units), from the counter-based generator. */
  public INDArray unitNoise(int layer, long rows, long units) {
    return GaussianNoise.counterBasedNormal(unitKey(seed, step, sample, partition, layer), dataType, rows, units);
  }

  /** Stream of the weight noise of (step, sample): the same in every partition. */
  public static long weightKey(long seed, long step, int sample) {
    return GaussianNoise.streamKey(seed, 1, step, sample);
  }

  /** Stream of one layer's per-row noise of (step, sample, partition). */
  public static long unitKey(long seed, long step, int sample, int partition, int layer) {
    return GaussianNoise.streamKey(seed, 2, step, sample, partition, layer);
  }
}
