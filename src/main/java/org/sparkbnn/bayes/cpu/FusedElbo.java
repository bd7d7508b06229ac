package org.sparkbnn.bayes.cpu;

import java.util.Arrays;
import org.sparkbnn.bayes.BayesianMlp;
import org.sparkbnn.bayes.ElboObjective;
import org.sparkbnn.bayes.GaussianNoise;
import org.sparkbnn.bayes.GradientEstimator;
import org.sparkbnn.bayes.Likelihood;
import org.sparkbnn.bayes.NetworkArchitecture;
import org.sparkbnn.bayes.Prior;
import org.sparkbnn.bayes.StableMath;
import org.sparkbnn.bayes.WeightNoise;
import org.sparkbnn.bayes.cpu.precision.Float64Twin;

/**
 * The fused CPU kernel of one training step: the same math as {@link ElboObjective} and {@link BayesianMlp} (whose
 * comments derive it), on Java arrays that live as long as the thread's kernel, with the matrix products in
 * {@link Gemm} and every element-wise operation fused into one pass per layer and direction:
 * bias + activation (+ the squared input the next layer's variance needs); the local reparameterisation's
 * mean, variance, sqrt, noise and 1/(2 std) in one pass; softplus and sigmoid of rho once per step, not per
 * sample. The data term runs in float32; the KL term ({@link #addKlGradient}) in float64 on the master
 * parameters. The noise streams are {@link WeightNoise}'s, so a step is a pure function of
 * (theta, rows, seed, step, partition) as on the ND4J path.
 *
 * <p>Buffers depend only on the network's shape and the row capacity; one instance per thread
 * ({@link #forThread}), not thread-safe. The build generates a float64 twin of it (and of the classes it computes
 * with) for the gradient checks: see {@link Float64Twin}.
 */
@Float64Twin
public final class FusedElbo {
  private static final ThreadLocal<FusedElbo> PER_THREAD = new ThreadLocal<>();
  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  private final NetworkArchitecture architecture;
  private final int layers;
  private final int numWeights;
  private final int maxWidth;
  private final StepProfile profile = new StepProfile();
  private final Gemm gemm = new Gemm(profile);

  // Per-weight buffers (numWeights): posterior scale, its derivative, noise, sampled weights, gradients.
  private final float[] sigma;
  private final float[] sigmoid;
  private final float[] variance;
  private final float[] eps;
  private final float[] weights;
  private final float[] gradMean;
  private final float[] gradVariance;
  private float[] sampleGrad = new float[0];
  // float64 buffers of the KL term.
  private final double[] sigma64;
  private final double[] sigmoid64;
  private final double[] eps64;
  private final double[] w64;
  private final double[] gradMu64;
  private final double[] gradSigma64;
  private final double[] gradLogP64;
  private final double[] klBlockValues;

  // Per-row buffers, grown to the largest share seen.
  private int capacity;
  private float[][] inputs;
  private float[][] squaredInputs;
  private float[][] noiseOverTwoStd;
  private float[] out;
  /** dL/d(output of the current layer), rows x width; swapped with deltaNext going down the layers. */
  private float[] delta;
  private float[] deltaNext;
  private float[] scratch1;
  private float[] scratch2;
  // The likelihood's float64 arrays.
  private double[] outWide;
  private double[] yWide;
  private double[] deltaWide;
  private double[] likelihoodParams = new double[0];
  private double[] likelihoodGrad = new double[0];

  private FusedElbo(NetworkArchitecture architecture) {
    this.architecture = architecture;
    this.layers = architecture.numLayers();
    this.numWeights = architecture.numWeights();
    int widest = 0;
    for (int l = 0; l <= layers; l++) {
      widest = Math.max(widest, l < layers ? architecture.layerInputs(l) : architecture.numOutputs());
    }
    this.maxWidth = widest;
    sigma = new float[numWeights];
    sigmoid = new float[numWeights];
    variance = new float[numWeights];
    eps = new float[numWeights];
    weights = new float[numWeights];
    gradMean = new float[numWeights];
    gradVariance = new float[numWeights];
    sigma64 = new double[numWeights];
    sigmoid64 = new double[numWeights];
    eps64 = new double[numWeights];
    w64 = new double[numWeights];
    gradMu64 = new double[numWeights];
    gradSigma64 = new double[numWeights];
    gradLogP64 = new double[numWeights];
    klBlockValues = new double[klBlocks(architecture)];
  }

  /** This thread's kernel for networks of this shape (reused across steps, fits and tasks of the thread). */
  public static FusedElbo forThread(NetworkArchitecture architecture) {
    FusedElbo kernel = PER_THREAD.get();
    if (kernel == null || !kernel.fits(architecture)) {
      kernel = new FusedElbo(architecture);
      PER_THREAD.set(kernel);
    }
    return kernel;
  }

  private boolean fits(NetworkArchitecture other) {
    if (other.numLayers() != layers || other.activation() != architecture.activation()) return false;
    for (int l = 0; l < layers; l++) {
      if (other.layerInputs(l) != architecture.layerInputs(l)) return false;
    }
    return other.numOutputs() == architecture.numOutputs();
  }

  /** Where this thread's kernel time went since the profile's last reset. */
  public StepProfile profile() { return profile; }

  /**
   * {@link ElboObjective#addDataGradient} on arrays: adds d/dtheta of sum_rows NLL / (B * S) for {@code rows}
   * standardised rows ({@code x} rows x numInputs, {@code y} one value per row) into {@code grad}; returns the
   * NLL sum averaged over the S samples.
   */
  public double addDataGradient(ElboObjective objective, float[] theta, float[] x, float[] y, int rows, long step,
                                int partition, int globalBatchSize, float[] grad) {
    long start = System.nanoTime();
    ensureRows(rows);
    int numParameters = objective.network().numParameters();
    if (sampleGrad.length != numParameters) sampleGrad = new float[numParameters];
    Arrays.fill(sampleGrad, 0f);
    StableMath.softplusAndSigmoid(theta, architecture.rhoOffset(), numWeights, sigma, sigmoid);
    profile.softplusNanos += System.nanoTime() - start;
    System.arraycopy(x, 0, inputs[0], 0, rows * architecture.numInputs());
    boolean local = objective.estimator() == GradientEstimator.LOCAL_REPARAMETERIZATION;
    if (local) {
      for (int i = 0; i < numWeights; i++) variance[i] = sigma[i] * sigma[i];
      square(inputs[0], squaredInputs[0], rows * architecture.numInputs());
    }
    double nll = 0;
    int samples = objective.trainSamples();
    for (int s = 0; s < samples; s++) {
      nll += local
          ? locallyReparameterized(objective, theta, y, rows, step, s, partition)
          : reparameterized(objective, theta, y, rows, step, s);
    }
    float scale = (float) (1.0 / ((double) globalBatchSize * samples));
    for (int i = 0; i < numParameters; i++) grad[i] += sampleGrad[i] * scale;
    profile.steps++;
    profile.dataNanos += System.nanoTime() - start;
    return nll / samples;
  }

  // w = mu + sigma eps; dL/dmu = dL/dw and dL/drho = dL/dw eps sigmoid(rho) (BayesianMlp.reparameterizedGradient).
  private double reparameterized(ElboObjective objective, float[] theta, float[] y, int rows, long step, int s) {
    long noiseStart = System.nanoTime();
    GaussianNoise.fill(WeightNoise.weightKey(objective.seed(), step, s), eps, 0, numWeights);
    profile.noiseNanos += System.nanoTime() - noiseStart;
    FusedOps.addProduct(theta, 0, sigma, eps, weights, 0, numWeights);
    float[] h = inputs[0];
    for (int l = 0; l < layers; l++) {
      int nIn = architecture.layerInputs(l);
      int nOut = architecture.layerOutputs(l);
      boolean hidden = l < layers - 1;
      float[] a = hidden ? inputs[l + 1] : out;
      gemm.multiply(false, false, rows, nOut, nIn, h, 0, weights, architecture.weightOffset(l), a, 0);
      FusedOps.addBiasAndActivate(a, weights, biasOffset(l), rows, nOut, hidden ? architecture.activation() : null);
      h = a;
    }
    double nll = likelihood(objective, theta, y, rows);
    for (int l = layers - 1; l >= 0; l--) {
      int nIn = architecture.layerInputs(l);
      int nOut = architecture.layerOutputs(l);
      gemm.multiply(true, false, nIn, nOut, rows, inputs[l], 0, delta, 0, gradMean, architecture.weightOffset(l));
      FusedOps.columnSums(delta, rows, nOut, gradMean, biasOffset(l));
      if (l > 0) {
        gemm.multiply(false, true, rows, nIn, nOut, delta, 0, weights, architecture.weightOffset(l), deltaNext, 0);
        FusedOps.activationBackward(architecture.activation(), deltaNext, inputs[l], rows * nIn);
        swapGradients();
      }
    }
    int rhoOffset = architecture.rhoOffset();
    for (int i = 0; i < numWeights; i++) {
      sampleGrad[i] += gradMean[i];
      sampleGrad[rhoOffset + i] += gradMean[i] * eps[i] * sigmoid[i];
    }
    return nll;
  }

  // b = m + s xi with m = h mu_W + mu_b, s = sqrt(h^2 sigma_W^2 + sigma_b^2); backward as derived in
  // BayesianMlp.locallyReparameterizedGradient, with dL/drho = 2 sigma dL/dsigma^2 sigmoid(rho).
  private double locallyReparameterized(ElboObjective objective, float[] theta, float[] y, int rows, long step,
                                        int s, int partition) {
    for (int l = 0; l < layers; l++) {
      int nIn = architecture.layerInputs(l);
      int nOut = architecture.layerOutputs(l);
      int offset = architecture.weightOffset(l);
      boolean hidden = l < layers - 1;
      float[] a = hidden ? inputs[l + 1] : out;
      float[] q = noiseOverTwoStd[l];
      gemm.multiply(false, false, rows, nOut, nIn, inputs[l], 0, theta, offset, scratch1, 0);
      gemm.multiply(false, false, rows, nOut, nIn, squaredInputs[l], 0, variance, offset, scratch2, 0);
      long noiseStart = System.nanoTime();
      GaussianNoise.fillCounterBased(WeightNoise.unitKey(objective.seed(), step, s, partition, l), q, 0, rows * nOut);
      profile.noiseNanos += System.nanoTime() - noiseStart;
      FusedOps.localReparameterization(scratch1, scratch2, theta, variance, biasOffset(l), q, a,
          hidden ? squaredInputs[l + 1] : null, rows, nOut, architecture.activation(), hidden,
          (float) BayesianMlp.VARIANCE_FLOOR);
    }
    double nll = likelihood(objective, theta, y, rows);
    for (int l = layers - 1; l >= 0; l--) {
      int nIn = architecture.layerInputs(l);
      int nOut = architecture.layerOutputs(l);
      int offset = architecture.weightOffset(l);
      float[] gradV = scratch2;
      float[] q = noiseOverTwoStd[l];
      for (int i = 0; i < rows * nOut; i++) gradV[i] = delta[i] * q[i];
      gemm.multiply(true, false, nIn, nOut, rows, inputs[l], 0, delta, 0, gradMean, offset);
      FusedOps.columnSums(delta, rows, nOut, gradMean, biasOffset(l));
      gemm.multiply(true, false, nIn, nOut, rows, squaredInputs[l], 0, gradV, 0, gradVariance, offset);
      FusedOps.columnSums(gradV, rows, nOut, gradVariance, biasOffset(l));
      if (l > 0) {
        gemm.multiply(false, true, rows, nIn, nOut, delta, 0, theta, offset, deltaNext, 0);
        gemm.multiply(false, true, rows, nIn, nOut, gradV, 0, variance, offset, scratch1, 0);
        float[] h = inputs[l];
        for (int i = 0; i < rows * nIn; i++) deltaNext[i] += 2f * h[i] * scratch1[i];
        FusedOps.activationBackward(architecture.activation(), deltaNext, h, rows * nIn);
        swapGradients();
      }
    }
    int rhoOffset = architecture.rhoOffset();
    for (int i = 0; i < numWeights; i++) {
      sampleGrad[i] += gradMean[i];
      sampleGrad[rhoOffset + i] += gradVariance[i] * sigma[i] * 2f * sigmoid[i];
    }
    return nll;
  }

  /**
   * NLL of the output buffer; its gradient goes to delta, the likelihood's own into sampleGrad. The likelihood
   * works on float64 arrays: the outputs and labels are widened into them (a few hundred values a step).
   */
  private double likelihood(ElboObjective objective, float[] theta, float[] y, int rows) {
    Likelihood likelihood = objective.network().likelihood();
    int outputs = rows * architecture.numOutputs();
    int offset = architecture.likelihoodOffset();
    int numLikelihood = likelihood.numParameters();
    if (likelihoodParams.length != numLikelihood) {
      likelihoodParams = new double[numLikelihood];
      likelihoodGrad = new double[numLikelihood];
    }
    for (int i = 0; i < outputs; i++) outWide[i] = out[i];
    for (int r = 0; r < rows; r++) yWide[r] = y[r];
    for (int i = 0; i < numLikelihood; i++) likelihoodParams[i] = theta[offset + i];
    Arrays.fill(likelihoodGrad, 0);
    double nll = likelihood.negLogLikelihood(outWide, yWide, rows, likelihoodParams, deltaWide, likelihoodGrad);
    for (int i = 0; i < outputs; i++) delta[i] = (float) deltaWide[i];
    for (int i = 0; i < numLikelihood; i++) sampleGrad[offset + i] += (float) likelihoodGrad[i];
    return nll;
  }

  /**
   * Weights per block of the closed-form KL term. Its value is summed block by block, in block order, however it is
   * computed, so that the tasks of a collective fit can each compute a run of blocks ({@link #addClosedFormKlBlocks})
   * and agree bit for bit with one process computing all of them ({@link #addKlGradient}).
   */
  public static final int KL_BLOCK = 256;

  /** How many KL blocks a network of this shape has. */
  public static int klBlocks(NetworkArchitecture architecture) {
    return (architecture.numWeights() + KL_BLOCK - 1) / KL_BLOCK;
  }

  /** The first weight of KL block {@code block} (numWeights past the last block). */
  public static int klBlockStart(int block, int numWeights) {
    return Math.min(block * KL_BLOCK, numWeights);
  }

  /** The KL value of the blocks' values: their sum in block order. */
  public static double klOfBlocks(double[] blockValues) {
    double kl = 0;
    for (double v : blockValues) kl += v;
    return kl;
  }

  /**
   * {@link ElboObjective#addKlGradient} in float64 on the master parameters: adds d/dtheta of klWeight KL / N into
   * {@code grad} and returns KL. Closed form when the prior has one (over its blocks, as above); otherwise the
   * Monte-Carlo estimate at the step's weight samples (the same streams as the data term), averaged over the samples.
   */
  public double addKlGradient(ElboObjective objective, double[] theta, long step, double klWeight, long numRows,
                              double[] grad) {
    Prior prior = objective.prior();
    if (prior.hasClosedFormKl()) {
      addClosedFormKlBlocks(objective, theta, klWeight, numRows, 0, klBlockValues.length, grad, klBlockValues);
      return klOfBlocks(klBlockValues);
    }
    long start = System.nanoTime();
    StableMath.softplusAndSigmoid(theta, architecture.rhoOffset(), numWeights, sigma64, sigmoid64);
    Arrays.fill(gradMu64, 0);
    Arrays.fill(gradSigma64, 0);
    // KL = log q(w) - log p(w) at w = mu + sigma eps: dKL/dmu = -dlogp/dw, dKL/dsigma = -1/sigma - eps dlogp/dw.
    int samples = objective.trainSamples();
    double sumLogSigma = StableMath.sumOfLogs(sigma64, numWeights);
    double kl = 0;
    for (int s = 0; s < samples; s++) {
      GaussianNoise.fill(WeightNoise.weightKey(objective.seed(), step, s), eps64, 0, numWeights);
      double sumEps2 = 0;
      for (int i = 0; i < numWeights; i++) {
        w64[i] = theta[i] + sigma64[i] * eps64[i];
        sumEps2 += eps64[i] * eps64[i];
      }
      double logP = prior.logDensity(w64, numWeights, gradLogP64);
      kl += -sumLogSigma - 0.5 * sumEps2 - HALF_LOG_2PI * numWeights - logP;
      for (int i = 0; i < numWeights; i++) {
        gradMu64[i] -= gradLogP64[i];
        gradSigma64[i] -= 1 / sigma64[i] + gradLogP64[i] * eps64[i];
      }
    }
    kl /= samples;
    for (int i = 0; i < numWeights; i++) {
      gradMu64[i] /= samples;
      gradSigma64[i] /= samples;
    }
    addScaledKlGradient(0, numWeights, klWeight / numRows, grad);
    profile.klNanos += System.nanoTime() - start;
    profile.klSteps++;
    return kl;
  }

  /**
   * The closed-form KL term of the weights of blocks fromBlock..toBlock only: adds their part of d/dtheta of
   * klWeight KL / N into {@code grad} (the means' and the rhos' entries of those weights) and writes each block's KL
   * into {@code blockValues[b]}. The same bits per weight and per block as {@link #addKlGradient}.
   */
  public void addClosedFormKlBlocks(ElboObjective objective, double[] theta, double klWeight, long numRows,
                                    int fromBlock, int toBlock, double[] grad, double[] blockValues) {
    long start = System.nanoTime();
    Prior prior = objective.prior();
    int from = klBlockStart(fromBlock, numWeights);
    int to = klBlockStart(toBlock, numWeights);
    StableMath.softplusAndSigmoid(theta, architecture.rhoOffset(), from, to, sigma64, sigmoid64);
    Arrays.fill(gradMu64, from, to, 0);
    Arrays.fill(gradSigma64, from, to, 0);
    for (int b = fromBlock; b < toBlock; b++) {
      blockValues[b] = prior.closedFormKl(theta, sigma64, klBlockStart(b, numWeights),
          klBlockStart(b + 1, numWeights), gradMu64, gradSigma64);
    }
    addScaledKlGradient(from, to, klWeight / numRows, grad);
    profile.klNanos += System.nanoTime() - start;
    profile.klSteps++;
  }

  /** grad += scale * dKL/dtheta for the weights from..to, from dKL/dmu and dKL/dsigma (d sigma / d rho = sigmoid). */
  private void addScaledKlGradient(int from, int to, double scale, double[] grad) {
    int rhoOffset = architecture.rhoOffset();
    // Two loops: in one, the compiler cannot tell that grad[i] and grad[rhoOffset + i] never overlap, and does
    // not vectorise it.
    for (int i = from; i < to; i++) grad[i] += gradMu64[i] * scale;
    for (int i = from; i < to; i++) grad[rhoOffset + i] += gradSigma64[i] * sigmoid64[i] * scale;
  }

  private static void square(float[] in, float[] out, int n) {
    for (int i = 0; i < n; i++) out[i] = in[i] * in[i];
  }

  private int biasOffset(int layer) {
    return FusedOps.biasOffset(architecture, layer);
  }

  private void swapGradients() {
    float[] t = delta;
    delta = deltaNext;
    deltaNext = t;
  }

  private void ensureRows(int rows) {
    if (rows <= capacity) return;
    capacity = Math.max(rows, capacity * 3 / 2);
    inputs = new float[layers][];
    squaredInputs = new float[layers][];
    noiseOverTwoStd = new float[layers][];
    for (int l = 0; l < layers; l++) {
      inputs[l] = new float[capacity * architecture.layerInputs(l)];
      squaredInputs[l] = new float[capacity * architecture.layerInputs(l)];
      noiseOverTwoStd[l] = new float[capacity * architecture.layerOutputs(l)];
    }
    out = new float[capacity * architecture.numOutputs()];
    delta = new float[capacity * maxWidth];
    deltaNext = new float[capacity * maxWidth];
    scratch1 = new float[capacity * maxWidth];
    scratch2 = new float[capacity * maxWidth];
    outWide = new double[capacity * architecture.numOutputs()];
    yWide = new double[capacity];
    deltaWide = new double[capacity * architecture.numOutputs()];
  }
}
