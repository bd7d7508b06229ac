package org.sparkbnn.bayes;

/**
 * Adam (Kingma and Ba 2015, Algorithm 1) on float64 master parameters held by the driver. The state (first
 * and second moments, step count) is plain data so that it can be checkpointed.
 */
public final class AdamOptimizer {
  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double[] firstMoment;
  private final double[] secondMoment;
  private long steps;

  public AdamOptimizer(int numParameters, double learningRate) {
    this(numParameters, learningRate, 0.9, 0.999, 1e-8);
  }

  public AdamOptimizer(int numParameters, double learningRate, double beta1, double beta2, double epsilon) {
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.firstMoment = new double[numParameters];
    this.secondMoment = new double[numParameters];
  }

  /** theta <- theta - lr * mhat / (sqrt(vhat) + eps), with bias-corrected moment estimates. */
  public void step(double[] theta, double[] gradient) {
    steps++;
    double correction1 = 1 - Math.pow(beta1, steps);
    double correction2 = 1 - Math.pow(beta2, steps);
    double stepSize = learningRate * Math.sqrt(correction2) / correction1;
    double scaledEpsilon = epsilon * Math.sqrt(correction2);
    for (int i = 0; i < theta.length; i++) {
      double g = gradient[i];
      firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * g;
      secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * g * g;
      theta[i] -= stepSize * firstMoment[i] / (Math.sqrt(secondMoment[i]) + scaledEpsilon);
    }
  }

  public long steps() { return steps; }
  public double[] firstMoment() { return firstMoment.clone(); }
  public double[] secondMoment() { return secondMoment.clone(); }

  /** Continues from a checkpointed state (moments and step count of an optimiser of the same size). */
  public void restore(double[] first, double[] second, long stepCount) {
    if (first.length != firstMoment.length || second.length != secondMoment.length) {
      throw new IllegalArgumentException("optimiser state has " + first.length + " parameters, expected "
          + firstMoment.length);
    }
    System.arraycopy(first, 0, firstMoment, 0, first.length);
    System.arraycopy(second, 0, secondMoment, 0, second.length);
    this.steps = stepCount;
  }
}
