package org.sparkbnn.train;

import java.io.Serializable;
import org.sparkbnn.bayes.ElboObjective;
import org.sparkbnn.bayes.KlWeighting;

/** Everything the training loop needs besides the data. */
public final class TrainingConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  final ElboObjective objective;
  final int batchSize;
  final int maxEpochs;
  final long maxSteps;
  final double learningRate;
  final KlWeighting klWeighting;
  final double rhoInit;
  final ComputeKernel kernel;

  /** {@code maxSteps <= 0} means no cap: train for maxEpochs. {@code kernel} is resolved (fused or nd4j). */
  public TrainingConfig(ElboObjective objective, int batchSize, int maxEpochs, long maxSteps, double learningRate,
                        KlWeighting klWeighting, double rhoInit, ComputeKernel kernel) {
    if (kernel == ComputeKernel.AUTO) throw new IllegalArgumentException("resolve kernel=auto before training");
    this.objective = objective;
    this.batchSize = batchSize;
    this.maxEpochs = maxEpochs;
    this.maxSteps = maxSteps;
    this.learningRate = learningRate;
    this.klWeighting = klWeighting;
    this.rhoInit = rhoInit;
    this.kernel = kernel;
  }

  public ComputeKernel kernel() { return kernel; }
}
