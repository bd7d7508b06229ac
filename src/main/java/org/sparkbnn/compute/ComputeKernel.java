package org.sparkbnn.compute;

import org.sparkbnn.bayes.BayesianMlp;
import org.sparkbnn.bayes.PosteriorSamples;
import org.sparkbnn.bayes.SampledNetworks;
import org.sparkbnn.bayes.StableMath;
import org.sparkbnn.bayes.cpu.FusedPosteriorSamples;
import org.sparkbnn.input.BadInputException;

/**
 * Which code computes a step's and a scoring batch's math. {@code fused}: the fused CPU kernel
 * ({@code org.sparkbnn.bayes.cpu}, primitive arrays and OpenBLAS sgemm); {@code nd4j}: ND4J array ops, the
 * device-agnostic path that runs on the CUDA backend. {@code auto} takes fused on ND4J's CPU backend and nd4j on
 * CUDA. The system property {@value #SYSTEM_PROPERTY} (fused or nd4j), set on the driver, forces one for every
 * fit and model in the JVM whatever the Param says, e.g. to compare them. Both give the same model up to float32
 * rounding (they sum in different orders); each is deterministic on its own.
 */
public enum ComputeKernel {
  AUTO("auto"),
  FUSED("fused"),
  ND4J("nd4j");

  public static final String SYSTEM_PROPERTY = "spark-bnn.kernel";
  public static final String[] PARAM_VALUES = {"auto", "fused", "nd4j"};

  private final String paramValue;

  ComputeKernel(String paramValue) { this.paramValue = paramValue; }

  public String paramValue() { return paramValue; }

  public static ComputeKernel parse(String value) {
    for (ComputeKernel k : values()) {
      if (k.paramValue.equalsIgnoreCase(value.trim())) return k;
    }
    throw new BadInputException("kernel must be one of auto, fused, nd4j; got '" + value + "'");
  }

  /**
   * The kernel in use: the system property if set, else the Param, with auto decided by the ND4J backend. A value
   * that cannot be used is bad input (exit 3 from the jobs), naming the Param or the property.
   */
  public static ComputeKernel resolve(String param, String backend) {
    String forced = System.getProperty(SYSTEM_PROPERTY);
    boolean isForced = forced != null && !forced.isBlank();
    ComputeKernel requested;
    try {
      requested = parse(isForced ? forced : param);
    } catch (BadInputException e) {
      throw isForced ? new BadInputException("-D" + SYSTEM_PROPERTY + ": " + e.getMessage(), e) : e;
    }
    boolean cuda = "cuda".equals(backend);
    if (requested == AUTO) return cuda ? ND4J : FUSED;
    if (requested == FUSED && cuda) {
      throw new BadInputException("kernel=fused runs on the CPU (OpenBLAS), but this build uses ND4J's CUDA"
          + " backend; use kernel=nd4j or auto");
    }
    return requested;
  }

  /** The T weight samples of a fitted network on this (resolved) kernel, for the predictives. */
  public SampledNetworks sampledNetworks(BayesianMlp network, double[] theta, int samples, long seed) {
    if (this == AUTO) throw new IllegalStateException("resolve kernel=auto first");
    return this == FUSED ? new FusedPosteriorSamples(network, theta, samples, seed)
        : new PosteriorSamples(network, theta, samples, seed);
  }

  /** For the log: which kernel and why. */
  public static String describe(ComputeKernel resolved, String param) {
    String forced = System.getProperty(SYSTEM_PROPERTY);
    String why = forced != null && !forced.isBlank() ? "forced by -D" + SYSTEM_PROPERTY + "=" + forced
        : "auto".equalsIgnoreCase(param) ? "kernel=auto on ND4J's " + TaskCompute.backendName() + " backend"
        : "kernel=" + param;
    String described = resolved.paramValue + " kernel (" + why + ")";
    return resolved == FUSED && !StableMath.VECTOR_API ? described + "; " + NO_VECTOR_API : described;
  }

  /**
   * Said once per JVM that runs the fused kernel without the Vector API: the model is the same, but its matrix
   * products run in scalar code, about a tenth of the speed (measured 4-6 against 40-65 GFLOP/s).
   */
  static final String NO_VECTOR_API = "this JVM lacks the Java Vector API (--add-modules=jdk.incubator.vector), so"
      + " the fused kernel's matrix products run in scalar code at about a tenth of their speed (same results);"
      + " add the option to spark.driver.extraJavaOptions and spark.executor.extraJavaOptions";
}
