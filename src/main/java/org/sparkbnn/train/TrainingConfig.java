package org.sparkbnn.train;

import java.io.Serializable;
import org.sparkbnn.bayes.ElboObjective;
import org.sparkbnn.bayes.KlWeighting;
import org.sparkbnn.compute.ComputeKernel;

/** Everything the training loop needs besides the data. */
public final class TrainingConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  final ElboObjective objective;
  final int batchSize;
  final int maxEpochs;
  final long maxSteps;
  final long minSteps;
  final double learningRate;
  final KlWeighting klWeighting;
  /** beta in NLL + beta KL / N: 1 for the ELBO. */
  final double klScale;
  final double rhoInit;
  final ComputeKernel kernel;
  /** Where training starts (a previous fit's parameters), or null for the objective's initialisation. */
  private final double[] start;

  /**
   * {@code maxSteps <= 0} means no cap; {@code minSteps} extends training past maxEpochs, by whole epochs, to at
   * least that many steps (0: maxEpochs alone); maxSteps caps both. {@code kernel} is resolved (fused or nd4j).
   */
  public TrainingConfig(ElboObjective objective, int batchSize, int maxEpochs, long maxSteps, long minSteps,
                        double learningRate, KlWeighting klWeighting, double klScale, double rhoInit,
                        ComputeKernel kernel) {
    this(objective, batchSize, maxEpochs, maxSteps, minSteps, learningRate, klWeighting, klScale, rhoInit, kernel,
        null);
  }

  private TrainingConfig(ElboObjective objective, int batchSize, int maxEpochs, long maxSteps, long minSteps,
                         double learningRate, KlWeighting klWeighting, double klScale, double rhoInit,
                         ComputeKernel kernel, double[] start) {
    if (kernel == ComputeKernel.AUTO) throw new IllegalArgumentException("resolve kernel=auto before training");
    if (!(klScale > 0)) throw new IllegalArgumentException("klScale must be > 0, got " + klScale);
    this.objective = objective;
    this.batchSize = batchSize;
    this.maxEpochs = maxEpochs;
    this.maxSteps = maxSteps;
    this.minSteps = minSteps;
    this.learningRate = learningRate;
    this.klWeighting = klWeighting;
    this.klScale = klScale;
    this.rhoInit = rhoInit;
    this.kernel = kernel;
    if (start != null && start.length != objective.network().numParameters()) {
      throw new IllegalArgumentException("starting parameters have length " + start.length + ", the network "
          + objective.network().numParameters());
    }
    this.start = start == null ? null : start.clone();
  }

  /** The same configuration, training from {@code theta} (e.g. a previous fit's posterior) instead. */
  public TrainingConfig startingFrom(double[] theta) {
    return new TrainingConfig(objective, batchSize, maxEpochs, maxSteps, minSteps, learningRate, klWeighting, klScale,
        rhoInit, kernel, theta);
  }

  /**
   * The same configuration trained for {@code epochs} epochs (minSteps no longer needed; maxSteps still caps): a fit
   * that continues this one's end state to that length (lengthDoublings).
   */
  public TrainingConfig lengthened(int epochs) {
    return new TrainingConfig(objective, batchSize, epochs, maxSteps, 0, learningRate, klWeighting, klScale, rhoInit,
        kernel, start);
  }

  /** The parameters of step 0. */
  double[] initialParameters() {
    return start != null ? start.clone() : objective.initialParameters(rhoInit);
  }

  public ComputeKernel kernel() { return kernel; }
}
