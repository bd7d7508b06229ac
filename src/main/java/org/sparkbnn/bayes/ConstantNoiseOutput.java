package org.sparkbnn.bayes;

/**
 * A homoscedastic network written as a heteroscedastic one that predicts the same: the per-row log noise variance
 * output gets weights of mean 0 and standard deviation 0 and a bias of mean s (the learned log variance) and
 * standard deviation 0, so every weight sample outputs s for every row, and the mean output is the homoscedastic
 * network's. This lets one heteroscedastic ensemble hold members of both noise models (likelihood=auto's mixture),
 * scored by the one kernel.
 *
 * <p>Standard deviation 0 is rho = {@value #ZERO_SIGMA_RHO}: softplus gives exactly 0 there (e^-10000 is 0 in float
 * and double), so the sampled weights are exactly their means and the output exactly s, sample after sample. Such a
 * network is for scoring only: a posterior with sigma 0 has an infinite KL divergence, so a fit continues from the
 * homoscedastic network {@link #removed} gives back.
 */
public final class ConstantNoiseOutput {
  static final double ZERO_SIGMA_RHO = -1e4;

  private ConstantNoiseOutput() {}

  /** The heteroscedastic network's parameters that predict what the homoscedastic {@code theta} predicts. */
  public static double[] added(NetworkArchitecture homoscedastic, double[] theta) {
    if (homoscedastic.numOutputs() != 1) {
      throw new IllegalArgumentException("not a one-output network: " + homoscedastic.numOutputs() + " outputs");
    }
    NetworkArchitecture perRow = withOutputs(homoscedastic, 2);
    double[] out = new double[2 * perRow.numWeights()];
    for (int block = 0; block < 2; block++) {
      int from = block == 0 ? homoscedastic.muOffset() : homoscedastic.rhoOffset();
      int to = block == 0 ? perRow.muOffset() : perRow.rhoOffset();
      double noiseWeight = block == 0 ? 0.0 : ZERO_SIGMA_RHO;
      double noiseBias = block == 0 ? theta[homoscedastic.likelihoodOffset()] : ZERO_SIGMA_RHO;
      int last = homoscedastic.numLayers() - 1;
      // The hidden layers are the same; only the output layer gains a column.
      System.arraycopy(theta, from, out, to, homoscedastic.weightOffset(last));
      int inputs = homoscedastic.layerInputs(last);
      int src = from + homoscedastic.weightOffset(last);
      int dst = to + perRow.weightOffset(last);
      for (int i = 0; i < inputs; i++) {
        out[dst + 2 * i] = theta[src + i];
        out[dst + 2 * i + 1] = noiseWeight;
      }
      out[dst + 2 * inputs] = theta[src + inputs];
      out[dst + 2 * inputs + 1] = noiseBias;
    }
    return out;
  }

  /**
   * The homoscedastic network a network made by {@link #added} came from (bit for bit: its output layer's first
   * column, and the noise output's bias mean as the log variance).
   */
  public static double[] removed(NetworkArchitecture perRow, double[] theta) {
    if (perRow.numOutputs() != 2) {
      throw new IllegalArgumentException("not a two-output network: " + perRow.numOutputs() + " outputs");
    }
    NetworkArchitecture homoscedastic = withOutputs(perRow, 1);
    double[] out = new double[2 * homoscedastic.numWeights() + 1];
    int last = perRow.numLayers() - 1;
    int inputs = perRow.layerInputs(last);
    for (int block = 0; block < 2; block++) {
      int from = block == 0 ? perRow.muOffset() : perRow.rhoOffset();
      int to = block == 0 ? homoscedastic.muOffset() : homoscedastic.rhoOffset();
      System.arraycopy(theta, from, out, to, perRow.weightOffset(last));
      int src = from + perRow.weightOffset(last);
      int dst = to + homoscedastic.weightOffset(last);
      for (int i = 0; i <= inputs; i++) out[dst + i] = theta[src + 2 * i];
    }
    out[homoscedastic.likelihoodOffset()] = theta[perRow.muOffset() + perRow.weightOffset(last) + 2 * inputs + 1];
    return out;
  }

  private static NetworkArchitecture withOutputs(NetworkArchitecture a, int outputs) {
    int[] hidden = new int[a.numLayers() - 1];
    for (int l = 0; l < hidden.length; l++) hidden[l] = a.layerOutputs(l);
    return new NetworkArchitecture(a.numInputs(), hidden, outputs, a.activation());
  }
}
