package org.sparkbnn.train;

import org.sparkbnn.input.BadInputException;

/**
 * The shape of a fit, from its configuration and the rows per partition: global batch, each partition's share of
 * it, steps per epoch and in all, and the number of epochs: maxEpochs, or more whole epochs when that is fewer
 * than minSteps steps; maxSteps may cut the last epoch short.
 */
final class TrainingPlan {
  final long numRows;
  final int batch;
  final int[] shares;
  final long stepsPerEpoch;
  final long totalSteps;
  final int epochs;
  private final TrainingConfig config;

  private TrainingPlan(TrainingConfig config, long[] partitionRows) {
    this.config = config;
    this.numRows = java.util.Arrays.stream(partitionRows).sum();
    if (numRows == 0) throw new IllegalArgumentException("training data set is empty (no valid rows)");
    this.batch = (int) Math.min(config.batchSize, numRows);
    this.shares = MinibatchSampler.shares(partitionRows, batch);
    this.stepsPerEpoch = (numRows + batch - 1) / batch;
    long epochsAsked = Math.max(config.maxEpochs, (config.minSteps + stepsPerEpoch - 1) / stepsPerEpoch);
    long steps = epochsAsked * stepsPerEpoch;
    this.totalSteps = config.maxSteps > 0 ? Math.min(steps, config.maxSteps) : steps;
    this.epochs = (int) ((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
  }

  static TrainingPlan of(TrainingConfig config, long[] partitionRows) {
    return new TrainingPlan(config, partitionRows);
  }

  /** A checkpoint with more epochs than this fit runs would silently return the longer training: refused. */
  void checkResumable(TrainingState resumed) {
    if (resumed != null && resumed.epochsDone() > epochs) {
      throw new BadInputException("the checkpoint holds " + resumed.epochsDone() + " completed epochs, more than"
          + " the " + epochs + " this fit runs (maxEpochs=" + config.maxEpochs + ", minSteps=" + config.minSteps
          + ", maxSteps=" + config.maxSteps + "); raise maxEpochs to at least " + resumed.epochsDone()
          + ", or use another checkpointDir");
    }
  }
}
