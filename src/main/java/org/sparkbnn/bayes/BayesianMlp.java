package org.sparkbnn.bayes;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A multilayer perceptron whose weights and biases carry a mean-field Gaussian posterior
 * q(w) = N(mu, softplus(rho)^2), with hand-written backpropagation of the expected negative log-likelihood
 * for both gradient estimators. Parameters live in one flat vector laid out by {@link NetworkArchitecture};
 * float32 or float64 follows the parameter array's data type (float64 is used for gradient checks).
 */
public final class BayesianMlp implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Floor on local-reparameterisation pre-activation variances, so sqrt and 1/sqrt stay finite. */
  public static final double VARIANCE_FLOOR = 1e-12;

  private final NetworkArchitecture architecture;
  private final Likelihood likelihood;

  public BayesianMlp(NetworkArchitecture architecture, Likelihood likelihood) {
    if (architecture.numOutputs() != likelihood.numOutputs()) {
      throw new IllegalArgumentException("network has " + architecture.numOutputs()
          + " outputs but the likelihood reads " + likelihood.numOutputs());
    }
    this.architecture = architecture;
    this.likelihood = likelihood;
  }

  public NetworkArchitecture architecture() { return architecture; }
  public Likelihood likelihood() { return likelihood; }

  /** Length of the flat parameter vector: mu and rho per weight plus the likelihood's own parameters. */
  public int numParameters() { return 2 * architecture.numWeights() + likelihood.numParameters(); }

  public INDArray mu(INDArray theta) { return slice(theta, architecture.muOffset(), architecture.numWeights()); }
  public INDArray rho(INDArray theta) { return slice(theta, architecture.rhoOffset(), architecture.numWeights()); }
  /** The likelihood's own parameters, or null when it has none. */
  public INDArray likelihoodParameters(INDArray theta) {
    int n = likelihood.numParameters();
    return n == 0 ? null : slice(theta, architecture.likelihoodOffset(), n);
  }

  /**
   * Adds dNLL/dtheta of one Monte-Carlo sample into {@code grad} and returns the NLL summed over the rows of
   * x (rows x numInputs) and y (rows x 1). The caller scales by N/B and divides by the number of samples.
   */
  public double accumulateNllGradient(INDArray theta, INDArray x, INDArray y, GradientEstimator estimator,
                                      WeightNoise noise, INDArray grad) {
    return estimator == GradientEstimator.REPARAMETERIZATION
        ? reparameterizedGradient(theta, x, y, noise, grad)
        : locallyReparameterizedGradient(theta, x, y, noise, grad);
  }

  /** Network output (rows x numOutputs) for one concrete weight vector (length numWeights). */
  public INDArray forward(INDArray weights, INDArray x) {
    INDArray h = x;
    for (int l = 0; l < architecture.numLayers(); l++) {
      INDArray a = matmul(h, weightMatrix(weights, l), false, false).addiRowVector(bias(weights, l));
      h = isHidden(l) ? architecture.activation().apply(a) : a;
    }
    return h;
  }

  /** w = mu + softplus(rho) * eps for a weight-noise vector eps (length numWeights). */
  public INDArray sampleWeights(INDArray theta, INDArray eps) {
    return StableMath.softplus(rho(theta)).muli(eps).addi(mu(theta));
  }

  // dL/dw at w = mu + sigma * eps gives dL/dmu = dL/dw and dL/drho = dL/dw * eps * sigmoid(rho).
  private double reparameterizedGradient(INDArray theta, INDArray x, INDArray y, WeightNoise noise,
                                         INDArray grad) {
    int numWeights = architecture.numWeights();
    INDArray eps = noise.weightEps(numWeights);
    INDArray w = sampleWeights(theta, eps);
    INDArray[] inputs = new INDArray[architecture.numLayers()];
    INDArray h = x;
    for (int l = 0; l < architecture.numLayers(); l++) {
      inputs[l] = h;
      INDArray a = matmul(h, weightMatrix(w, l), false, false).addiRowVector(bias(w, l));
      h = isHidden(l) ? architecture.activation().apply(a) : a;
    }
    INDArray gradW = Nd4j.zeros(theta.dataType(), numWeights);
    INDArray g = h.ulike();
    double nll = likelihood.negLogLikelihood(h, y, likelihoodParameters(theta), g, likelihoodParameters(grad));
    for (int l = architecture.numLayers() - 1; l >= 0; l--) {
      Nd4j.gemm(inputs[l], g, weightMatrix(gradW, l), true, false, 1.0, 0.0);
      bias(gradW, l).assign(g.sum(true, 0));
      if (l > 0) {
        g = architecture.activation().backward(matmul(g, weightMatrix(w, l), false, true), inputs[l]);
      }
    }
    mu(grad).addi(gradW);
    rho(grad).addi(gradW.muli(eps).muli(StableMath.sigmoid(rho(theta))));
    return nll;
  }

  // Pre-activation b = m + s * xi with m = h mu_W + mu_b, v = h^2 sigma_W^2 + sigma_b^2, s = sqrt(v). Backward:
  // dL/dmu_W = h^T g, dL/dv = g xi / (2 s), dL/dsigma_W^2 = (h^2)^T dL/dv, and
  // dL/dh = g mu_W^T + 2 h (dL/dv sigma_W^2^T); finally dL/drho = 2 sigma dL/dsigma^2 sigmoid(rho).
  private double locallyReparameterizedGradient(INDArray theta, INDArray x, INDArray y, WeightNoise noise,
                                                INDArray grad) {
    int layers = architecture.numLayers();
    INDArray mu = mu(theta);
    INDArray sigma = StableMath.softplus(rho(theta));
    INDArray variance = sigma.mul(sigma);
    INDArray[] inputs = new INDArray[layers];
    INDArray[] squaredInputs = new INDArray[layers];
    INDArray[] noiseOverTwoStd = new INDArray[layers];
    INDArray h = x;
    for (int l = 0; l < layers; l++) {
      inputs[l] = h;
      squaredInputs[l] = h.mul(h);
      INDArray mean = matmul(h, weightMatrix(mu, l), false, false).addiRowVector(bias(mu, l));
      INDArray std = Transforms.sqrt(matmul(squaredInputs[l], weightMatrix(variance, l), false, false)
          .addiRowVector(bias(variance, l)).addi(VARIANCE_FLOOR), false);
      INDArray xi = noise.unitNoise(l, h.rows(), architecture.layerOutputs(l));
      INDArray a = mean.addi(xi.mul(std));
      noiseOverTwoStd[l] = xi.divi(std.muli(2.0));
      h = isHidden(l) ? architecture.activation().apply(a) : a;
    }
    INDArray gradMu = Nd4j.zeros(theta.dataType(), architecture.numWeights());
    INDArray gradVariance = Nd4j.zerosLike(gradMu);
    INDArray g = h.ulike();
    double nll = likelihood.negLogLikelihood(h, y, likelihoodParameters(theta), g, likelihoodParameters(grad));
    for (int l = layers - 1; l >= 0; l--) {
      INDArray gradV = g.mul(noiseOverTwoStd[l]);
      Nd4j.gemm(inputs[l], g, weightMatrix(gradMu, l), true, false, 1.0, 0.0);
      bias(gradMu, l).assign(g.sum(true, 0));
      Nd4j.gemm(squaredInputs[l], gradV, weightMatrix(gradVariance, l), true, false, 1.0, 0.0);
      bias(gradVariance, l).assign(gradV.sum(true, 0));
      if (l > 0) {
        INDArray gradH = matmul(g, weightMatrix(mu, l), false, true)
            .addi(matmul(gradV, weightMatrix(variance, l), false, true).muli(inputs[l]).muli(2.0));
        g = architecture.activation().backward(gradH, inputs[l]);
      }
    }
    mu(grad).addi(gradMu);
    rho(grad).addi(gradVariance.muli(sigma).muli(2.0).muli(StableMath.sigmoid(rho(theta))));
    return nll;
  }

  /**
   * op(a) op(b) into a fresh row-major array through BLAS gemm: measured ~10x faster than INDArray.mmul for
   * these tall-skinny shapes in ND4J 1.0.0-M2.1.
   */
  private static INDArray matmul(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
    long rows = transposeA ? a.columns() : a.rows();
    long cols = transposeB ? b.rows() : b.columns();
    return Nd4j.gemm(a, b, Nd4j.createUninitialized(a.dataType(), new long[] {rows, cols}, 'c'),
        transposeA, transposeB, 1.0, 0.0);
  }

  private boolean isHidden(int layer) { return layer < architecture.numLayers() - 1; }

  private INDArray weightMatrix(INDArray weights, int layer) {
    int nIn = architecture.layerInputs(layer);
    int nOut = architecture.layerOutputs(layer);
    return slice(weights, architecture.weightOffset(layer), nIn * nOut).reshape('c', nIn, nOut);
  }

  private INDArray bias(INDArray weights, int layer) {
    int nIn = architecture.layerInputs(layer);
    int nOut = architecture.layerOutputs(layer);
    return slice(weights, architecture.weightOffset(layer) + nIn * nOut, nOut).reshape('c', 1, nOut);
  }

  private static INDArray slice(INDArray flat, long offset, long length) {
    return flat.get(NDArrayIndex.interval(offset, offset + length));
  }
}
