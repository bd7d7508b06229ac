package org.sparkbnn.bayes;

import java.util.function.BiFunction;

/**
 * The weight samples of an ensemble of K independently fitted posteriors q_1..q_K, read as their equal mixture
 * (1/K) sum_k q_k: sample t is sample t / K of member t mod K, so T samples deal n_k = T / K (rounded up or down)
 * to member k, and sample t is weighted T / (K n_k) ({@link #weight}): every member counts 1/K in every moment the
 * predictives accumulate over the samples (mean, epistemic variance, expected entropy) whatever T, so they are
 * the mixture's (32 samples over 10 members, unweighted, would count members 0 and 1 four samples to the others'
 * three). A mixture of posteriors fitted from different initialisations covers more than one mode of the true
 * posterior, which one mean-field Gaussian cannot (Wilson and Izmailov 2020, "Bayesian deep learning and a
 * probabilistic perspective of generalization"); measured on the bundled
 * regression sets in the README (Accuracy).
 */
public final class EnsembleSamples implements SampledNetworks {
  /** Weyl increment of SplittableRandom: consecutive members' seeds differ in many bits. */
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private final SampledNetworks[] members;
  private final int size;
  /** T / (K n_k) per member k. */
  private final double[] memberWeights;

  /**
   * The mixture of {@code numMembers} members for {@code samples} draws; {@code member.apply(k, n)} gives member
   * k's n weight samples (n >= 1; members beyond the first {@code samples} get none and are not built).
   */
  public EnsembleSamples(int numMembers, int samples, BiFunction<Integer, Integer, SampledNetworks> member) {
    if (samples < 1) throw new IllegalArgumentException("predictSamples must be >= 1, got " + samples);
    this.members = new SampledNetworks[Math.min(numMembers, samples)];
    this.memberWeights = new double[members.length];
    for (int k = 0; k < members.length; k++) {
      int n = samplesOf(k, numMembers, samples);
      members[k] = member.apply(k, n);
      memberWeights[k] = (double) samples / ((double) members.length * n);
    }
    this.size = samples;
  }

  /** The seed of member k of an ensemble fitted (and sampled) with {@code seed}; member 0 keeps it. */
  public static long memberSeed(long seed, int k) {
    return seed + k * GOLDEN_GAMMA;
  }

  /** How many of T samples member k of K gets: the t < T with t mod K = k. */
  static int samplesOf(int k, int numMembers, int samples) {
    return (samples - k + numMembers - 1) / numMembers;
  }

  @Override public int size() { return size; }

  @Override
  public void input(float[] x, int rows) {
    for (SampledNetworks m : members) m.input(x, rows);
  }

  @Override
  public void output(int t, float[] out) {
    members[t % members.length].output(t / members.length, out);
  }

  @Override
  public double weight(int t) {
    return memberWeights[t % members.length];
  }

  /** Member 0's: use {@link #likelihoodParameters(int)}, the parameters of the member that sample t comes from. */
  @Override public float[] likelihoodParameters() { return members[0].likelihoodParameters(); }

  @Override
  public float[] likelihoodParameters(int t) {
    return members[t % members.length].likelihoodParameters();
  }
}
