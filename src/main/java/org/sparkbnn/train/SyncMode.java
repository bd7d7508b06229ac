package org.sparkbnn.train;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.spark.Dependency;
import org.apache.spark.NarrowDependency;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.sparkbnn.input.BadInputException;

/**
 * Which training loop a fit runs: {@code collective} (one barrier stage, direct all-reduce) or {@code sparkJob}
 * (one Spark job per step), from the syncMode Param and what the cluster allows. Barrier stages are refused with
 * dynamic allocation (Spark's DAGScheduler; local masters count as off); the collective's connections are not
 * encrypted, so with Spark's RPC encryption or SSL on, it needs an explicit opt-in. A barrier stage needs a free
 * task slot for each of its tasks at once, and every RDD of the stage must have as many partitions as it has tasks:
 * data with more partitions than free slots, or whose lineage changes the partition count within a stage (a
 * {@code coalesce}), is shuffled once into runs of whole partitions, one per task ({@code regroup}; {@code groups}
 * says which task computes which partitions; null in sparkJob mode), which gives the same model. Each task holds
 * its partitions' packed rows for the whole fit, so they must fit its share of executor memory. {@code reason}
 * says what was decided and why, for the log. {@code fitsAtOnce}: how many collective fits the cluster's task
 * slots hold at once (an ensemble's members train that many at a time); 1 in sparkJob mode, whose steps are jobs
 * of every partition.
 */
public record SyncMode(boolean collective, String reason, int fitsAtOnce, PartitionGroups groups, boolean regroup) {

  /**
   * Spark runs a barrier stage only if every RDD in it (the chain of narrow dependencies back to the last
   * shuffle) has as many partitions as the stage has tasks; a coalesce or union in the input's lineage breaks that.
   */
  static String lineageProblem(RDD<?> rdd) {
    int tasks = rdd.getNumPartitions();
    Deque<RDD<?>> todo = new ArrayDeque<>();
    todo.push(rdd);
    while (!todo.isEmpty()) {
      RDD<?> r = todo.pop();
      if (r.getNumPartitions() != tasks) {
        return "the training data's lineage changes the number of partitions within one stage (" + r.getClass()
            .getSimpleName() + " with " + r.getNumPartitions() + " partitions, e.g. from coalesce), which Spark's"
            + " barrier mode refuses";
      }
      scala.collection.Iterator<Dependency<?>> deps = r.dependencies().iterator();
      while (deps.hasNext()) {
        Dependency<?> d = deps.next();
        if (d instanceof NarrowDependency) todo.push(d.rdd());
      }
    }
    return null;
  }

  /**
   * Steps beyond which a sparkJob fit is warned of: one Spark job per step costs 20-60 ms on the clusters measured
   * (README, Performance), so 10,000 steps are already 3-10 minutes of scheduling alone.
   */
  static final long SPARK_JOB_STEPS_WARNED = 10_000;

  /**
   * A warning for a fit of {@code steps} steps in this mode, or null: in sparkJob mode a long fit pays Spark's
   * round trip every step (the collective does not), which the user should see before it starts.
   */
  public String costWarning(long steps) {
    if (collective || steps <= SPARK_JOB_STEPS_WARNED) return null;
    return String.format(java.util.Locale.ROOT, "%s: %,d steps, each a Spark job of 20-60 ms, may take %d-%d"
        + " minutes besides the math; lower maxSteps or maxEpochs to bound the fit, or let it run collective (see"
        + " syncMode)", reason, steps, steps * 20 / 60_000, steps * 60 / 60_000);
  }

  /**
   * The decision for training over {@code blocks} (one or more cached blocks per partition) of
   * {@code partitionRows} rows of {@code numFeatures} features.
   */
  public static SyncMode resolve(String requested, RDD<?> blocks, long[] partitionRows, int numFeatures,
                                 boolean allowUnencrypted) {
    SparkContext sc = blocks.context();
    int slots = sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
    return resolve(requested, sc.getConf(), sc.master(), partitionRows, slots, allowUnencrypted,
        lineageProblem(blocks), CollectiveTraining.taskMemoryBudget(sc.getConf(), sc.master()), numFeatures);
  }

  /** The decision for {@code numPartitions} partitions of a row each, without a lineage or memory limit (tests). */
  static SyncMode resolve(String requested, SparkConf conf, String master, int numPartitions, int slots,
                          boolean allowUnencrypted) {
    long[] rows = new long[numPartitions];
    java.util.Arrays.fill(rows, 1);
    return resolve(requested, conf, master, rows, slots, allowUnencrypted, null, Long.MAX_VALUE, 1);
  }

  static SyncMode resolve(String requested, SparkConf conf, String master, long[] partitionRows, int slots,
                          boolean allowUnencrypted, String lineageProblem, long taskMemoryBudget, int numFeatures) {
    if (requested.equalsIgnoreCase("sparkJob")) return new SyncMode(false, "syncMode=sparkJob", 1, null, false);
    int numPartitions = partitionRows.length;
    int tasks = Math.max(1, Math.min(numPartitions, slots));
    PartitionGroups groups = PartitionGroups.of(partitionRows, tasks);
    String refusal = null;
    boolean local = master.equals("local") || master.startsWith("local[");
    if (!local && conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
      refusal = "dynamic allocation is on, and Spark refuses barrier stages with it";
    } else if (!allowUnencrypted && (conf.getBoolean("spark.network.crypto.enabled", false)
        || conf.getBoolean("spark.ssl.enabled", false))) {
      refusal = "Spark's RPC encryption or SSL is on and the collective's gradients travel unencrypted"
          + " (set allowUnencryptedGradients=true to use it anyway)";
    } else if (slots == 0) {
      refusal = "the cluster has no free task slots yet (executors still starting?)";
    } else {
      refusal = CollectiveTraining.memoryProblem(taskMemoryBudget, partitionRows, groups, numFeatures, slots);
    }
    if (refusal != null) {
      if (requested.equalsIgnoreCase("collective")) {
        throw new BadInputException("syncMode=collective cannot run: " + refusal + "; use syncMode=sparkJob or auto");
      }
      return new SyncMode(false, "syncMode=auto chose sparkJob: " + refusal, 1, null, false);
    }
    String how = "syncMode=" + requested + ": " + numPartitions + " partitions in one barrier stage of " + tasks
        + (tasks == 1 ? " task" : " tasks");
    if (numPartitions > slots) {
      int fewest = numPartitions;
      int most = 0;
      for (int t = 0; t < tasks; t++) {
        fewest = Math.min(fewest, groups.end(t) - groups.first(t));
        most = Math.max(most, groups.end(t) - groups.first(t));
      }
      how += " (the cluster has " + slots + " free task slots, so each task computes " + fewest
          + (most > fewest ? "-" + most : "") + " partitions; the packed rows are shuffled once into the tasks;"
          + " every partition's share of a step costs its own products and message, so data repartitioned to "
          + slots + " partitions would train faster (the model depends on the partitioning))";
    } else if (lineageProblem != null) {
      how += " (" + lineageProblem + ", so the packed rows are shuffled once into the tasks)";
    }
    return new SyncMode(true, how, Math.max(1, slots / tasks), groups, numPartitions > slots || lineageProblem != null);
  }
}
