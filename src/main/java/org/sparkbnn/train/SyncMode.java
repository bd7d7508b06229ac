package org.sparkbnn.train;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;

/**
 * Which training loop a fit runs: {@code collective} (one barrier stage, direct all-reduce) or {@code sparkJob}
 * (one Spark job per step), from the syncMode Param and what the cluster allows. Barrier stages are refused with
 * dynamic allocation (Spark's DAGScheduler; local masters count as off) and need a free task slot for every
 * partition at once; the collective's connections are not encrypted, so with Spark's RPC encryption or SSL on,
 * it needs an explicit opt-in.
 */
public final class SyncMode {
  public final boolean collective;
  /** Why, for the log. */
  public final String reason;

  private SyncMode(boolean collective, String reason) {
    this.collective = collective;
    this.reason = reason;
  }

  public static SyncMode resolve(String requested, SparkContext sc, int numPartitions, boolean allowUnencrypted) {
    int slots = sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
    return resolve(requested, sc.getConf(), sc.master(), numPartitions, slots, allowUnencrypted);
  }

  static SyncMode resolve(String requested, SparkConf conf, String master, int numPartitions, int slots,
                          boolean allowUnencrypted) {
    if (requested.equalsIgnoreCase("sparkJob")) return new SyncMode(false, "syncMode=sparkJob");
    boolean explicit = requested.equalsIgnoreCase("collective");
    String refusal = null;
    boolean local = master.equals("local") || master.startsWith("local[");
    if (!local && conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
      refusal = "dynamic allocation is on, and Spark refuses barrier stages with it";
    } else if (numPartitions > slots) {
      refusal = "the " + numPartitions + " partitions must all run at once but the cluster has " + slots
          + " free task slots (coalesce the training data to at most " + slots + " partitions)";
    } else if (!allowUnencrypted && (conf.getBoolean("spark.network.crypto.enabled", false)
        || conf.getBoolean("spark.ssl.enabled", false))) {
      refusal = "Spark's RPC encryption or SSL is on and the collective's gradients travel unencrypted"
          + " (set allowUnencryptedGradients=true to use it anyway)";
    }
    if (refusal == null) return new SyncMode(true, "syncMode=" + requested + ": " + numPartitions
        + " tasks in one barrier stage");
    if (explicit) throw new InvalidInputException("syncMode=collective cannot run: " + refusal
        + "; use syncMode=sparkJob or auto");
    return new SyncMode(false, "syncMode=auto chose sparkJob: " + refusal);
  }
}
