package org.sparkbnn.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sparkbnn.bayes.Activation;
import org.sparkbnn.bayes.BayesianMlp;
import org.sparkbnn.bayes.GaussianLikelihood;
import org.sparkbnn.bayes.NetworkArchitecture;
import org.sparkbnn.bayes.PosteriorSamples;
import org.sparkbnn.bayes.cpu.FusedPosteriorSamples;
import org.sparkbnn.input.BadInputException;

/** Which kernel a fit or a model uses: decided by the backend, a Param, or the system property, in that order up. */
class ComputeKernelTest {

  @AfterEach
  void clearProperty() {
    System.clearProperty(ComputeKernel.SYSTEM_PROPERTY);
  }

  @Test
  void autoTakesTheFusedKernelOnTheCpuBackendAndNd4jOnCuda() {
    assertEquals(ComputeKernel.FUSED, ComputeKernel.resolve("auto", "cpu"));
    assertEquals(ComputeKernel.ND4J, ComputeKernel.resolve("auto", "cuda"));
    assertEquals(ComputeKernel.ND4J, ComputeKernel.resolve("nd4j", "cpu"));
    assertEquals(ComputeKernel.FUSED, ComputeKernel.resolve("Fused", "cpu"), "Param values are case-insensitive");
    // This test JVM runs ND4J's CPU backend, so the stages' default resolves to the fused kernel.
    assertEquals(ComputeKernel.FUSED, ComputeKernel.resolve("auto", TaskCompute.backendName()));
  }

  @Test
  void theFusedKernelOnACudaBuildIsRefusedNamingTheAlternative() {
    BadInputException e = assertThrows(BadInputException.class, () -> ComputeKernel.resolve("fused", "cuda"));
    assertTrue(e.getMessage().contains("kernel=nd4j"), e.getMessage());
  }

  @Test
  void theSystemPropertyOverridesTheParamAndIsLogged() {
    System.setProperty(ComputeKernel.SYSTEM_PROPERTY, "nd4j");
    assertEquals(ComputeKernel.ND4J, ComputeKernel.resolve("fused", "cpu"));
    assertTrue(ComputeKernel.describe(ComputeKernel.ND4J, "fused").contains("-Dspark-bnn.kernel=nd4j"));
    System.setProperty(ComputeKernel.SYSTEM_PROPERTY, "sometimes");
    BadInputException e = assertThrows(BadInputException.class, () -> ComputeKernel.resolve("auto", "cpu"));
    assertTrue(e.getMessage().contains("-Dspark-bnn.kernel") && e.getMessage().contains("'sometimes'"),
        e.getMessage());
  }

  @Test
  void eachKernelScoresWithItsOwnWeightSamples() {
    BayesianMlp net = new BayesianMlp(new NetworkArchitecture(2, new int[] {3}, 1, Activation.RELU),
        GaussianLikelihood.homoscedastic(0.1));
    double[] theta = new double[net.numParameters()];
    assertTrue(ComputeKernel.FUSED.sampledNetworks(net, theta, 2, 1L) instanceof FusedPosteriorSamples);
    assertTrue(ComputeKernel.ND4J.sampledNetworks(net, theta, 2, 1L) instanceof PosteriorSamples);
    assertThrows(IllegalStateException.class, () -> ComputeKernel.AUTO.sampledNetworks(net, theta, 2, 1L));
  }
}
