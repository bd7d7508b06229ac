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

  /**
   * Makes {@code rows} standardised rows x (rows x numInputs, row-major) the input of the following
   * {@link #output} calls: a batch is bound once and run through every sample.
   */
  void input(float[] x, int rows);

  /** Outputs of sample t for the bound rows (rows x numOutputs, row-major, into {@code out}). */
  void output(int t, float[] out);

  /** The likelihood's point-estimated parameters (float32; empty when it has none). */
  float[] likelihoodParameters();

  /** Those of sample t's network (they differ between the members of an ensemble, {@link EnsembleSamples}). */
  default float[] likelihoodParameters(int t) { return likelihoodParameters(); }

  /**
   * Sample t's weight in the predictive's Monte-Carlo average, the weights summing to {@link #size()}: 1 for
   * samples of one posterior; an ensemble's samples are weighted so that every member counts equally however
   * many samples it drew ({@link EnsembleSamples}).
   */
  default double weight(int t) { return 1.0; }

  /** Weight-noise stream of sample t. */
  static long sampleKey(long seed, int t) {
    return GaussianNoise.streamKey(seed, 4, t);
  }
}
