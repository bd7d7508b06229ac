package org.sparkbnn.bayes.cpu;

import org.sparkbnn.bayes.BayesianMlp;
import org.sparkbnn.bayes.GaussianNoise;
import org.sparkbnn.bayes.NetworkArchitecture;
import org.sparkbnn.bayes.SampledNetworks;
import org.sparkbnn.bayes.StableMath;

/**
 * {@link SampledNetworks} on the fused CPU kernel: the T sampled weight vectors as float arrays, and per batch and
 * sample one {@link AffineKernel} pass per layer (products, biases and activation together) into buffers reused
 * across batches. Each output of a row depends on that row alone, so a row scores the same in any batch and
 * {@code transform} the same under any partitioning. One instance per scoring task (not thread-safe).
 */
public final class FusedPosteriorSamples implements SampledNetworks {
  private final NetworkArchitecture architecture;
  private final float[][] weights;
  private final float[] likelihoodParameters;
  private float[][] activations = new float[0][];
  private float[] input = new float[0];
  private int rows = -1;

  public FusedPosteriorSamples(BayesianMlp network, double[] theta, int samples, long seed) {
    if (samples < 1) throw new IllegalArgumentException("predictSamples must be >= 1, got " + samples);
    this.architecture = network.architecture();
    int numWeights = architecture.numWeights();
    float[] params = new float[theta.length];
    for (int i = 0; i < theta.length; i++) params[i] = (float) theta[i];
    float[] sigma = new float[numWeights];
    float[] unusedSigmoid = new float[numWeights];
    StableMath.softplusAndSigmoid(params, architecture.rhoOffset(), numWeights, sigma, unusedSigmoid);
    float[] eps = new float[numWeights];
    this.weights = new float[samples][numWeights];
    for (int t = 0; t < samples; t++) {
      GaussianNoise.fill(SampledNetworks.sampleKey(seed, t), eps, 0, numWeights);
      for (int i = 0; i < numWeights; i++) weights[t][i] = params[i] + sigma[i] * eps[i];
    }
    int numLikelihood = network.likelihood().numParameters();
    this.likelihoodParameters = new float[numLikelihood];
    System.arraycopy(params, architecture.likelihoodOffset(), likelihoodParameters, 0, numLikelihood);
  }

  @Override public int size() { return weights.length; }

  @Override public float[] likelihoodParameters() { return likelihoodParameters; }

  @Override
  public void input(float[] x, int rows) {
    int n = rows * architecture.numInputs();
    if (input.length < n) input = new float[n];
    System.arraycopy(x, 0, input, 0, n);
    if (activations.length == 0 || activations[0].length < rows * architecture.layerOutputs(0)) {
      activations = new float[architecture.numLayers() - 1][];
      for (int l = 0; l + 1 < architecture.numLayers(); l++) {
        activations[l] = new float[rows * architecture.layerOutputs(l)];
      }
    }
    this.rows = rows;
  }

  @Override
  public void output(int t, float[] out) {
    if (rows < 0) throw new IllegalStateException("no input rows bound");
    int layers = architecture.numLayers();
    float[] h = input;
    for (int l = 0; l < layers; l++) {
      boolean hidden = l < layers - 1;
      float[] a = hidden ? activations[l] : out;
      AffineKernel.forward(h, rows, architecture.layerInputs(l), weights[t], architecture.weightOffset(l),
          architecture.layerOutputs(l), a, hidden ? architecture.activation() : null);
      h = a;
    }
  }
}
