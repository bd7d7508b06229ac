package org.sparkbnn.bayes.cpu;

import org.sparkbnn.bayes.BayesianMlp;
import org.sparkbnn.bayes.GaussianNoise;
import org.sparkbnn.bayes.NetworkArchitecture;
import org.sparkbnn.bayes.SampledNetworks;
import org.sparkbnn.bayes.StableMath;

/**
 * {@link SampledNetworks} on the fused CPU kernel: the T sampled weight vectors as float arrays, and per batch one
 * sgemm plus one bias-and-activation pass per layer and sample, into buffers reused across batches. One instance
 * per scoring task (not thread-safe).
 */
public final class FusedPosteriorSamples implements SampledNetworks {
  private final NetworkArchitecture architecture;
  private final float[][] weights;
  private final float[] likelihoodParameters;
  private final Sgemm gemm = new Sgemm(new StepProfile());
  private float[][] activations = new float[0][];
  private int capacity;

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
  public void output(int t, float[] x, int rows, float[] out) {
    ensureRows(rows);
    int layers = architecture.numLayers();
    float[] h = x;
    for (int l = 0; l < layers; l++) {
      int nIn = architecture.layerInputs(l);
      int nOut = architecture.layerOutputs(l);
      boolean hidden = l < layers - 1;
      float[] a = hidden ? activations[l] : out;
      gemm.multiply(false, false, rows, nOut, nIn, h, 0, weights[t], architecture.weightOffset(l), a, 0);
      FusedOps.addBiasAndActivate(a, weights[t], FusedOps.biasOffset(architecture, l), rows, nOut,
          hidden ? architecture.activation() : null);
      h = a;
    }
  }

  private void ensureRows(int rows) {
    if (rows <= capacity) return;
    capacity = rows;
    activations = new float[architecture.numLayers() - 1][];
    for (int l = 0; l + 1 < architecture.numLayers(); l++) {
      activations[l] = new float[rows * architecture.layerOutputs(l)];
    }
  }
}
