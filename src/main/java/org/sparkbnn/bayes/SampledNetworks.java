package org.sparkbnn.bayes;

/**
 * T networks with weights w_t ~ q(w) drawn once from a seed (stream (seed, 4, t)), as the predictives read them:
 * the outputs of sample t for a batch of standardised rows. Because the samples depend only on the seed, a row's
 * prediction depends only on the row, never on which partition or batch it lands in. Implemented on ND4J
 * ({@link PosteriorSamples}) and by the fused CPU kernel ({@code cpu.FusedPosteriorSamples}); not thread-safe.
 */
public interface SampledNetworks {

  /** Number of weight samples T. */
  int size();

  /** Outputs of sample t (rows x numOutputs, row-major, into {@code out}) for rows x (rows x numInputs). */
  void output(int t, float[] x, int rows, float[] out);

  /** The likelihood's point-estimated parameters (float32; empty when it has none). */
  float[] likelihoodParameters();

  /** Weight-noise stream of sample t. */
  static long sampleKey(long seed, int t) {
    return GaussianNoise.streamKey(seed, 4, t);
  }
}
