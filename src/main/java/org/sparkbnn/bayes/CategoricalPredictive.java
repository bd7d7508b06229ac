package org.sparkbnn.bayes;


/**
 * Monte-Carlo posterior predictive of the classification network. With p_t = softmax(l_t) for the T weight
 * samples and their weights w_t ({@link SampledNetworks#weight}, 1 but for an ensemble's; W = sum w_t) (Gal 2016,
 * ch. 3.3; Houlsby et al. 2011 for BALD):
 * <pre>
 *   p-bar            = (1/W) sum_t w_t p_t                      (the predictive distribution)
 *   Var_t[p_k]       = (1/W) sum_t w_t p_{t,k}^2 - p-bar_k^2     (per-class spread of the sampled probabilities)
 *   total            = H[p-bar]                                  (predictive entropy)
 *   aleatoric        = (1/W) sum_t w_t H[p_t]                    (expected entropy)
 *   epistemic (BALD) = H[p-bar] - (1/W) sum_t w_t H[p_t]         (mutual information between y and w)
 * </pre>
 * Entropies are in nats. log p-bar is accumulated as a running log-sum-exp of log p_t, so it stays finite
 * even where p-bar underflows (inputs far from the data make logits large).
 */
public final class CategoricalPredictive {
  private final SampledNetworks samples;
  private final int numClasses;
  private float[] logits = new float[0];

  public CategoricalPredictive(SampledNetworks samples, Likelihood likelihood) {
    if (!(likelihood instanceof CategoricalLikelihood)) {
      throw new IllegalArgumentException("a categorical predictive needs a categorical likelihood, the network has "
          + likelihood.getClass().getSimpleName());
    }
    this.samples = samples;
    this.numClasses = ((CategoricalLikelihood) likelihood).numClasses();
  }

  public int numSamples() { return samples.size(); }

  /** Predictive summaries of {@code rows} standardised rows x (rows x numInputs, row-major). */
  public ClassPredictions predict(float[] x, int rows) {
    int k = numClasses;
    if (logits.length < rows * k) logits = new float[rows * k];
    double[] runMax = new double[rows * k];
    double[] runSum = new double[rows * k];
    double[] sumP = new double[rows * k];
    double[] sumP2 = new double[rows * k];
    double[] sumEntropy = new double[rows];
    java.util.Arrays.fill(runMax, Double.NEGATIVE_INFINITY);
    double[] logp = new double[k];
    double[] rowLogits = new double[k];
    samples.input(x, rows);
    double total = 0;
    for (int t = 0; t < samples.size(); t++) {
      samples.output(t, logits);
      double w = samples.weight(t);
      double logW = Math.log(w);
      total += w;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < k; c++) rowLogits[c] = logits[r * k + c];
        double lse = CategoricalLikelihood.logSumExp(rowLogits);
        double entropy = 0;
        for (int c = 0; c < k; c++) {
          logp[c] = rowLogits[c] - lse;
          double p = Math.exp(logp[c]);
          entropy -= p * logp[c];
          int i = r * k + c;
          sumP[i] += w * p;
          sumP2[i] += w * p * p;
          // Running log-sum-exp of log w_t + log p_t: (runMax, runSum) represent runMax + log(runSum).
          double logWp = logp[c] + logW;
          if (logWp > runMax[i]) {
            runSum[i] = runSum[i] * Math.exp(runMax[i] - logWp) + 1.0;
            runMax[i] = logWp;
          } else {
            runSum[i] += Math.exp(logWp - runMax[i]);
          }
        }
        sumEntropy[r] += w * entropy;
      }
    }
    double logTotal = Math.log(total);
    double invTotal = 1.0 / total;
    ClassPredictions out = new ClassPredictions(rows, k);
    for (int r = 0; r < rows; r++) {
      double entropyOfMean = 0;
      for (int c = 0; c < k; c++) {
        int i = r * k + c;
        double logMean = runMax[i] + Math.log(runSum[i]) - logTotal;
        double mean = Math.exp(logMean);
        out.logProbability[i] = logMean;
        out.probability[i] = mean;
        double m = sumP[i] * invTotal;
        out.probabilityVariance[i] = Math.max(0.0, sumP2[i] * invTotal - m * m);
        if (mean > 0) entropyOfMean -= mean * logMean;
      }
      out.predictiveEntropy[r] = entropyOfMean;
      out.expectedEntropy[r] = sumEntropy[r] * invTotal;
      // Non-negative by concavity of H; rounding can leave a tiny negative difference.
      out.mutualInformation[r] = Math.max(0.0, entropyOfMean - out.expectedEntropy[r]);
    }
    return out;
  }

  /** Row-major (rows x K) and per-row arrays of one scored batch. */
  public static final class ClassPredictions {
    public final int rows;
    public final int numClasses;
    /** log p-bar per row and class; finite whenever the logits are. */
    public final double[] logProbability;
    public final double[] probability;
    public final double[] probabilityVariance;
    public final double[] predictiveEntropy;
    public final double[] expectedEntropy;
    public final double[] mutualInformation;

    ClassPredictions(int rows, int numClasses) {
      this.rows = rows;
      this.numClasses = numClasses;
      logProbability = new double[rows * numClasses];
      probability = new double[rows * numClasses];
      probabilityVariance = new double[rows * numClasses];
      predictiveEntropy = new double[rows];
      expectedEntropy = new double[rows];
      mutualInformation = new double[rows];
    }
  }
}
