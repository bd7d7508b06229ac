package org.sparkbnn.bayes;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reproducible standard-normal noise addressed by a stream key (seed, step, sample, partition, ...). The noise
 * is generated in Java rather than by the backend's RNG so that it is identical on every JVM and backend
 * (CPU or CUDA) and in float32 and float64: a retried task, or a gradient check, sees the same draws.
 */
public final class GaussianNoise {
  private GaussianNoise() {}

  /** Mixes a seed and stream coordinates into one 64-bit key (splitmix64 finaliser per coordinate). */
  public static long streamKey(long seed, long... coordinates) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    for (long c : coordinates) h = mix(h ^ mix(c + 0x632BE59BD9B4E019L));
    return h;
  }

  /** An array of the given shape filled with N(0, 1) draws from the stream {@code key}. */
  public static INDArray standardNormal(long key, DataType dataType, long... shape) {
    long n = 1;
    for (long s : shape) n *= s;
    if (dataType == DataType.DOUBLE) {
      double[] values = new double[Math.toIntExact(n)];
      fill(key, values, 0, values.length);
      return Nd4j.createFromArray(values).reshape('c', shape);
    }
    float[] values = new float[Math.toIntExact(n)];
    fill(key, values, 0, values.length);
    return Nd4j.createFromArray(values).reshape('c', shape).castTo(dataType);
  }

  /**
   * Writes the first {@code n} draws of stream {@code key} into {@code out[offset..]}: the weight noise of
   * training and scoring. Java 17's {@code SplittableRandom.nextGaussian} is a ziggurat (McFarland 2016), 2.6-6 ns a
   * draw on the machines measured; for the few thousand weights a step draws that is not worth another stream.
   */
  public static void fill(long key, float[] out, int offset, int n) {
    SplittableRandom rng = new SplittableRandom(key);
    for (int i = offset; i < offset + n; i++) out[i] = (float) rng.nextGaussian();
  }

  /**
   * An array of the given shape filled with the first draws of the counter-based stream {@code key}
   * ({@link #fillCounterBased}); in float64 the same float32 draws, widened.
   */
  public static INDArray counterBasedNormal(long key, DataType dataType, long... shape) {
    long n = 1;
    for (long s : shape) n *= s;
    float[] values = new float[Math.toIntExact(n)];
    fillCounterBased(key, values, 0, values.length);
    return Nd4j.createFromArray(values).reshape('c', shape).castTo(dataType);
  }

  /**
   * Writes the first {@code n} float32 draws of the counter-based stream {@code key} ({@link BoxMuller}: vectorised,
   * 1-1.4 ns a draw against 2.6-6 for the ziggurat) into {@code out[offset..]}: the local reparameterisation's
   * per-row noise in both kernels. Another stream than {@link #fill}'s for the same key.
   */
  public static void fillCounterBased(long key, float[] out, int offset, int n) {
    BoxMuller.fill(key, out, offset, n);
  }

  /**
   * As {@link #fillCounterBased(long, float[], int, int)} into a float64 array: the same float32 draws, widened (for
   * the fused kernel's float64 twin).
   */
  public static void fillCounterBased(long key, double[] out, int offset, int n) {
    float[] draws = new float[n];
    BoxMuller.fill(key, draws, 0, n);
    for (int i = 0; i < n; i++) out[offset + i] = draws[i];
  }

  /** As {@link #fill(long, float[], int, int)} in float64 (the same draws before rounding to float32). */
  public static void fill(long key, double[] out, int offset, int n) {
    SplittableRandom rng = new SplittableRandom(key);
    for (int i = offset; i < offset + n; i++) out[i] = rng.nextGaussian();
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
