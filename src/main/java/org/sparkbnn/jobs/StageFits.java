package org.sparkbnn.jobs;

import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.sparkbnn.input.Standardization;
import org.sparkbnn.train.Checkpointer;
import org.sparkbnn.train.CollectiveTraining;
import org.sparkbnn.train.FeatureBlock;
import org.sparkbnn.train.StepTimings;
import org.sparkbnn.train.SyncMode;
import org.sparkbnn.train.TrainingConfig;

/**
 * The benchmark's collective fits of one cached RDD of blocks on the session's cluster: warm-up fits of
 * {@code --steps} (one epoch without it), timed fits of at least {@value #TIMED_STEPS} steps ({@link SteadyFits}).
 */
final class StageFits {
  /**
   * Least number of steps of a timed fit: long enough to spread the compilations each fit's Spark job sets off, as
   * a user's fit does ({@link SteadyFits}).
   */
  static final int TIMED_STEPS = 4000;

  private final TrainingConfig config;
  private final Standardization standardization;
  private final JavaRDD<FeatureBlock> stageInput;
  private final SyncMode sync;
  private final long[] warmUpRows;
  private final long[] timedRows;
  final int timedSteps;
  /** How the partitions map to tasks, for the report line ("" when one task each). */
  final String tasks;

  StageFits(TrainingConfig config, Standardization standardization, JavaRDD<FeatureBlock> rdd, long[] sizes,
            int features, int steps, int batch) {
    this.config = config;
    this.standardization = standardization;
    this.sync = SyncMode.resolve("auto", rdd.rdd(), sizes, features, false);
    // More partitions than task slots: the blocks shuffled into one task per slot, as a fit does.
    this.stageInput = sync.collective() && sync.regroup() ? CollectiveTraining.regroup(rdd, sync.groups()) : rdd;
    this.tasks = sync.collective() && sync.regroup()
        ? " (" + sizes.length + " partitions in " + sync.groups().tasks() + " tasks)" : "";
    long epochSteps = (Arrays.stream(sizes).sum() + batch - 1) / batch;
    this.warmUpRows = steps > 0 ? rowsForSteps(sizes, steps, batch) : sizes;
    this.timedSteps = (int) Math.max(steps > 0 ? steps : epochSteps, TIMED_STEPS);
    this.timedRows = rowsForSteps(sizes, timedSteps, batch);
  }

  /** Whether the cluster runs the fit collectively; else {@link #reason()} says why not. */
  boolean collective() { return sync.collective(); }
  String reason() { return sync.reason(); }

  SteadyFits<StepTimings> measure() {
    return SteadyFits.measure(() -> fit(warmUpRows), () -> fit(timedRows), StepTimings::rowsPerSecond,
        SteadyFits.COMPILER_MILLIS);
  }

  private StepTimings fit(long[] partitionRows) {
    return CollectiveTraining.run(config, standardization, stageInput, sync.groups(), partitionRows, e -> { },
        Checkpointer.NONE, 300_000L).timings;
  }

  /**
   * Partition sizes, in proportion to {@code sizes}, under which one epoch is {@code steps} steps: a fit of that
   * many steps (the rows are drawn with replacement, so the sizes need not be the blocks' own).
   */
  static long[] rowsForSteps(long[] sizes, long steps, int batch) {
    long total = Arrays.stream(sizes).sum();
    long[] scaled = new long[sizes.length];
    for (int p = 0; p < sizes.length; p++) scaled[p] = Math.max(1, sizes[p] * (steps * batch) / total);
    return scaled;
  }
}
