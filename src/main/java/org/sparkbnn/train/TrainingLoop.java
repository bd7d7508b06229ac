package org.sparkbnn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbnn.bayes.AdamOptimizer;
import org.sparkbnn.input.Standardization;

/**
 * The synchronous data-parallel loop: per step, the current parameters go to every partition, their data-term
 * gradients come back and are summed in partition order, the KL gradient is added once (computed where the source
 * says: after the partitions' work, while a collective task waits for its peers, or shared out among the tasks:
 * {@link KlTerm}), and Adam applies one update to the float64 master parameters.
 */
public final class TrainingLoop {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

  /** The fitted parameters and the per-epoch history. */
  public static final class Result implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public final double[] theta;
    public final List<EpochSummary> history;
    public final long numRows;
    public final StepTimings timings;

    Result(double[] theta, List<EpochSummary> history, long numRows, StepTimings timings) {
      this.theta = theta;
      this.history = history;
      this.numRows = numRows;
      this.timings = timings;
    }
  }

  private TrainingLoop() {}

  public static Result run(TrainingConfig config, Standardization standardization, GradientSource source,
                           Consumer<EpochSummary> onEpoch) {
    return run(config, standardization, source, onEpoch, Checkpointer.NONE);
  }

  /**
   * As above, resuming from the checkpointer's state if it has one and saving the state after every
   * {@code checkpointer.interval()} completed epochs. A resumed run computes exactly the steps an uninterrupted
   * one would have computed after that epoch, so it ends with the same parameters.
   */
  public static Result run(TrainingConfig config, Standardization standardization, GradientSource source,
                           Consumer<EpochSummary> onEpoch, Checkpointer checkpointer) {
    TrainingPlan plan = TrainingPlan.of(config, source.partitionRows());
    long numRows = plan.numRows;
    int batch = plan.batch;
    int[] shares = plan.shares;
    long stepsPerEpoch = plan.stepsPerEpoch;
    long totalSteps = plan.totalSteps;
    int epochs = plan.epochs;

    TrainingState resumed = checkpointer.load();
    plan.checkResumable(resumed);
    if (resumed != null) {
      LOG.info("Bayes by Backprop: resumed from epoch {} of {}{} (a saved state)", resumed.epochsDone(), epochs,
          resumed.stepsInEpoch() > 0 ? " and " + resumed.stepsInEpoch() + " steps of the next" : "");
    }
    double[] theta = resumed != null ? resumed.theta().clone() : config.initialParameters();
    AdamOptimizer adam = new AdamOptimizer(theta.length, config.learningRate);
    List<EpochSummary> history = new ArrayList<>();
    int firstEpoch = 1;
    if (resumed != null) {
      adam.restore(resumed.adamFirstMoment(), resumed.adamSecondMoment(), resumed.adamSteps());
      history.addAll(resumed.history());
      firstEpoch = resumed.epochsDone() + 1;
    }
    StepFunction function = new StepFunction(config.objective, standardization, batch, config.kernel);
    StepTimings timings = new StepTimings(batch);
    float[] thetaFloat = new float[theta.length];
    KlTerm klTerm = new KlTerm(function, theta, numRows);

    for (int epoch = firstEpoch; epoch <= epochs; epoch++) {
      source.startEpoch(epoch, epochs);
      // The last epoch is partial when maxSteps stops training early.
      long steps = Math.min(stepsPerEpoch, totalSteps - (epoch - 1) * stepsPerEpoch);
      long start = System.nanoTime();
      // A state taken inside this epoch continues it: its steps done and their sums.
      boolean midEpoch = resumed != null && epoch == firstEpoch && resumed.stepsInEpoch() > 0;
      long firstStep = midEpoch ? resumed.stepsInEpoch() : 0;
      double epochNll = midEpoch ? resumed.epochSums()[0] : 0;
      double epochKl = midEpoch ? resumed.epochSums()[1] : 0;
      double epochLoss = midEpoch ? resumed.epochSums()[2] : 0;
      for (long s = firstStep; s < steps; s++) {
        long step = (epoch - 1) * stepsPerEpoch + s;
        long stepStart = System.nanoTime();
        for (int i = 0; i < theta.length; i++) thetaFloat[i] = (float) theta[i];
        klTerm.prepare(step, config.klScale * config.klWeighting.weight(s, stepsPerEpoch));
        StepGradient gradient = source.step(function, thetaFloat, step, shares, klTerm);
        double[] grad = gradient.sum;
        long gradientsDone = System.nanoTime();
        double kl = klTerm.addTo(grad);
        double nllPerRow = gradient.nll / batch;
        checkFinite(epoch, s, nllPerRow, kl, grad);
        adam.step(theta, grad);
        long computeNanos = source.concurrentPartitions() ? gradient.slowestNanos : gradient.totalNanos;
        timings.record(gradientsDone - stepStart, computeNanos, klTerm.nanos, System.nanoTime() - gradientsDone);
        epochNll += nllPerRow;
        epochKl += kl;
        epochLoss += nllPerRow + kl / numRows;
        // Inside the epoch only: its last step's state is the epoch's, saved below.
        if (s + 1 < steps && checkpointer.progressDue()) {
          checkpointer.saveProgress(new TrainingState(epoch - 1, theta.clone(), adam.firstMoment(),
              adam.secondMoment(), adam.steps(), history, s + 1, new double[] {epochNll, epochKl, epochLoss}));
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      EpochSummary summary = new EpochSummary(epoch, epochLoss / steps, epochNll / steps, epochKl / steps,
          (steps - firstStep) * batch / seconds);
      history.add(summary);
      onEpoch.accept(summary);
      if (steps == stepsPerEpoch && epoch % checkpointer.interval() == 0) {
        checkpointer.save(new TrainingState(epoch, theta.clone(), adam.firstMoment(), adam.secondMoment(),
            adam.steps(), history));
      }
    }
    return new Result(theta, history, numRows, timings);
  }

  private static void checkFinite(int epoch, long step, double nll, double kl, double[] grad) {
    String what = null;
    if (!Double.isFinite(nll)) what = "the minibatch negative log-likelihood is " + nll;
    else if (!Double.isFinite(kl)) what = "the KL term is " + kl;
    else {
      for (int i = 0; i < grad.length; i++) {
        if (!Double.isFinite(grad[i])) {
          what = "gradient component " + i + " is " + grad[i];
          break;
        }
      }
    }
    if (what != null) {
      throw new TrainingDivergedException("training diverged at epoch " + epoch + ", step " + step
          + " of the epoch: " + what + " (try a lower learningRate or a smaller posteriorRhoInit)");
    }
  }
}
