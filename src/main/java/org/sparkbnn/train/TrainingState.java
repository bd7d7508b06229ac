package org.sparkbnn.train;

import java.util.List;

/**
 * Everything needed to continue training exactly where it stopped, at an epoch boundary: the float64 master
 * parameters, Adam's moments and step count, and the epochs done (with their history). There is no separate
 * random-number state: minibatches and weight noise are keyed by (seed, global step), and the global step
 * follows from the epochs done.
 */
public record TrainingState(int epochsDone, double[] theta, double[] adamFirstMoment, double[] adamSecondMoment,
                            long adamSteps, List<EpochSummary> history) {
  public TrainingState {
    history = List.copyOf(history);
  }
}
