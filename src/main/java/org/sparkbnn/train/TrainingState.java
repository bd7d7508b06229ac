package org.sparkbnn.train;

import java.util.List;

/**
 * Everything needed to continue training exactly where it stopped: the float64 master parameters, Adam's moments
 * and step count, the epochs done (with their history) and, for a state taken inside an epoch (a collective fit
 * reports one every few seconds), the steps of the next epoch done and their running sums of NLL, KL and loss, so
 * that the epoch's summary comes out the same. There is no separate random-number state: minibatches and weight
 * noise are keyed by (seed, global step), and the global step follows from the epochs and steps done.
 */
public record TrainingState(int epochsDone, double[] theta, double[] adamFirstMoment, double[] adamSecondMoment,
                            long adamSteps, List<EpochSummary> history, long stepsInEpoch, double[] epochSums) {
  public TrainingState {
    history = List.copyOf(history);
    if (epochSums.length != 3) throw new IllegalArgumentException("epochSums holds NLL, KL and loss sums");
  }

  /** A state at an epoch boundary. */
  public TrainingState(int epochsDone, double[] theta, double[] adamFirstMoment, double[] adamSecondMoment,
                       long adamSteps, List<EpochSummary> history) {
    this(epochsDone, theta, adamFirstMoment, adamSecondMoment, adamSteps, history, 0, new double[3]);
  }
}
