package org.sparkbnn.bayes.cpu;

/**
 * Where one thread's fused-kernel time goes, accumulated over the steps since the last {@link #reset}: the
 * benchmark prints it as the per-phase profile of a step. System.nanoTime at a handful of points per step
 * (~25 ns each) is all it costs.
 */
public final class StepProfile {
  long steps;
  long dataNanos;
  long productNanos;
  long transposeNanos;
  long noiseNanos;
  long softplusNanos;
  long klNanos;
  long klSteps;

  public void reset() {
    steps = dataNanos = productNanos = transposeNanos = noiseNanos = softplusNanos = klNanos = klSteps = 0;
  }

  public long steps() { return steps; }

  @Override
  public String toString() {
    if (steps == 0) return "no steps";
    double s = steps * 1e6;
    double elementWise = (dataNanos - productNanos - transposeNanos - noiseNanos - softplusNanos) / s;
    return String.format("data term %.3f ms per share = matrix products %.3f + transposes %.3f + noise %.3f +"
        + " softplus/sigmoid %.3f + element-wise passes and the rest %.3f; KL term %.3f ms per step", dataNanos / s,
        productNanos / s, transposeNanos / s, noiseNanos / s, softplusNanos / s, elementWise,
        klSteps == 0 ? 0.0 : klNanos / (klSteps * 1e6));
  }
}
