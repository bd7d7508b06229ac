package org.sparkbnn.bayes;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link SampledNetworks} on ND4J: the device-agnostic path (kernel=nd4j, and the CUDA backend). */
public final class PosteriorSamples implements SampledNetworks {
  private final BayesianMlp network;
  private final INDArray[] weights;
  private final float[] likelihoodParameters;
  private INDArray input;

  public PosteriorSamples(BayesianMlp network, double[] theta, int samples, long seed) {
    if (samples < 1) throw new IllegalArgumentException("predictSamples must be >= 1, got " + samples);
    this.network = network;
    INDArray params = Nd4j.createFromArray(theta).castTo(DataType.FLOAT);
    int numWeights = network.architecture().numWeights();
    this.weights = new INDArray[samples];
    for (int t = 0; t < samples; t++) {
      INDArray eps = GaussianNoise.standardNormal(SampledNetworks.sampleKey(seed, t), DataType.FLOAT, numWeights);
      weights[t] = network.sampleWeights(params, eps);
    }
    INDArray lik = network.likelihoodParameters(params);
    this.likelihoodParameters = lik == null ? new float[0] : lik.toFloatVector();
  }

  @Override public int size() { return weights.length; }

  @Override public float[] likelihoodParameters() { return likelihoodParameters; }

  @Override
  public void input(float[] x, int rows) {
    int d = network.architecture().numInputs();
    this.input = Nd4j.create(java.util.Arrays.copyOf(x, rows * d), new long[] {rows, d}, 'c');
  }

  @Override
  public void output(int t, float[] out) {
    if (input == null) throw new IllegalStateException("no input rows bound");
    float[] values = ScratchMemory.run("bnn-predict", () -> {
      INDArray o = network.forward(weights[t], input);
      return o.reshape(o.length()).toFloatVector();
    });
    System.arraycopy(values, 0, out, 0, values.length);
  }
}
