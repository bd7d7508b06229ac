package org.sparkbnn.train;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbnn.train.collective.CollectiveException;
import org.sparkbnn.train.collective.CollectiveTracker;
import org.sparkbnn.train.collective.Exchange;
import org.sparkbnn.train.collective.PeerMesh;
import org.sparkbnn.train.collective.SharedMemoryExchange;
import org.sparkbnn.train.collective.TrackerClient;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.input.Standardization;
import org.sparkbnn.compute.TaskCompute;

/**
 * syncMode=collective: the whole fit is ONE barrier stage whose tasks all run at once, each computing a run of the
 * data's partitions (one each when the cluster's slots allow, {@link PartitionGroups}). Each task runs the same
 * {@link TrainingLoop} as the driver does in sparkJob mode, with a {@link GradientSource} that all-reduces the
 * step's partition gradients directly between the tasks; every task then applies the same KL gradient and Adam
 * update to its own float64 parameters, so no parameters travel per step and the model is bit-identical to
 * sparkJob mode. The driver hosts the {@link CollectiveTracker} (rendezvous, progress, checkpoints, fatal
 * errors). The barrier stage is followed by a shuffle, which makes it a ShuffleMapStage: Spark reruns a failed
 * one whole (a failed barrier ResultStage would abort), and the rerun starts from the last state the driver
 * holds.
 */
public final class CollectiveTraining {
  private static final Logger LOG = LoggerFactory.getLogger(CollectiveTraining.class);
  /**
   * How often rank 0 sends the state to the driver inside an epoch (JVM system property on the driver, in
   * milliseconds): what a rerun after a lost executor repeats at most, against a pause of a few milliseconds each.
   */
  static final String STATE_INTERVAL_PROPERTY = "spark-bnn.collective.stateIntervalMillis";
  private static final long DEFAULT_STATE_INTERVAL_MILLIS = 5_000;
  /**
   * JVM system property on the driver: {@code tcp} keeps the tasks on the TCP mesh even when they all run in one
   * JVM (the benchmark compares the two); otherwise such tasks exchange through memory.
   */
  public static final String TRANSPORT_PROPERTY = "spark-bnn.collective.transport";

  private CollectiveTraining() {}

  /**
   * Runs the fit on {@code blocks}, which hold the partitions of {@code groups}' tasks, one stage partition a task
   * (the cached blocks themselves when every task computes one partition, else {@link #regroup}); see the class
   * comment.
   */
  public static TrainingLoop.Result run(TrainingConfig config, Standardization standardization,
                                       JavaRDD<FeatureBlock> blocks, PartitionGroups groups, long[] partitionRows,
                                       Consumer<EpochSummary> onEpoch, Checkpointer checkpointer,
                                       long timeoutMillis) {
    SparkContext sc = blocks.context();
    int tasks = groups.tasks();
    TrainingPlan plan = TrainingPlan.of(config, partitionRows);
    TrainingState start = checkpointer.load();
    plan.checkResumable(start);
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String group = "spark-bnn-collective-" + UUID.randomUUID();
    String host = sc.getConf().get("spark.driver.host", "127.0.0.1");
    String previousGroup = sc.getLocalProperty("spark.jobGroup.id");
    String previousDescription = sc.getLocalProperty("spark.job.description");
    String previousInterrupt = sc.getLocalProperty("spark.job.interruptOnCancel");
    // A state from inside an epoch is only kept (by the tracker, for a rerun); an epoch's is logged and checkpointed.
    Consumer<TrainingState> onState = state -> {
      if (state.stepsInEpoch() > 0) return;
      onEpoch.accept(state.history().get(state.history().size() - 1));
      if (state.epochsDone() % checkpointer.interval() == 0) checkpointer.save(state);
    };
    try (CollectiveTracker tracker = new CollectiveTracker(host, tasks, secret, timeoutMillis, start,
        onState, message -> sc.cancelJobGroup(group))) {
      if (start != null) LOG.info("Bayes by Backprop: resumed from epoch {} of {} (checkpoint)", start.epochsDone(),
          plan.epochs);
      // interruptOnCancel: a task blocked in the collective is interrupted when the stage is cancelled or rerun.
      sc.setJobGroup(group, "spark-bnn: Bayes by Backprop (collective, " + tasks + " tasks)", true);
      TaskFunction task = new TaskFunction(config, standardization, groups, partitionRows, tracker.host(),
          tracker.port(), secret, timeoutMillis, stallHook(),
          Long.getLong(STATE_INTERVAL_PROPERTY, DEFAULT_STATE_INTERVAL_MILLIS),
          !"tcp".equals(System.getProperty(TRANSPORT_PROPERTY)));
      ClassTag<TrainingLoop.Result> tag = scala.reflect.ClassTag$.MODULE$.apply(TrainingLoop.Result.class);
      List<TrainingLoop.Result> results;
      try {
        results = blocks.rdd().barrier().mapPartitions(task, false, tag).toJavaRDD().repartition(1).collect();
      } catch (Exception e) { // SparkException is checked, thrown undeclared from Scala
        String fatal = tracker.fatalError();
        if (fatal != null) throw FatalError.decode(fatal, groups);
        throw e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e.getMessage(), e);
      }
      if (results.size() != 1) {
        throw new IllegalStateException("collective fit returned " + results.size() + " results");
      }
      return results.get(0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the collective tracker on " + host + ": " + e, e);
    } finally {
      sc.setLocalProperty("spark.jobGroup.id", previousGroup);
      sc.setLocalProperty("spark.job.description", previousDescription);
      sc.setLocalProperty("spark.job.interruptOnCancel", previousInterrupt);
    }
  }

  /**
   * A task of a collective fit holds its partition's blocks for the whole fit: its share of the executor's unified
   * memory (spark.memory.fraction of the heap, split over the tasks an executor runs at once). In local mode the
   * tasks share this JVM's heap.
   */
  static long taskMemoryBudget(org.apache.spark.SparkConf conf, String master) {
    boolean local = master.equals("local") || master.startsWith("local[");
    long heap = local ? Runtime.getRuntime().maxMemory() : conf.getSizeAsBytes("spark.executor.memory", "1g");
    int cores = local ? localCores(master) : conf.getInt("spark.executor.cores", 1);
    int tasksPerExecutor = Math.max(1, cores / Math.max(1, conf.getInt("spark.task.cpus", 1)));
    return (long) (heap * conf.getDouble("spark.memory.fraction", 0.6) / tasksPerExecutor);
  }

  private static int localCores(String master) {
    if (!master.startsWith("local[")) return 1;
    String n = master.substring(6, master.indexOf(']'));
    return n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n.split(",")[0]);
  }

  /**
   * Why the tasks of {@code groups} cannot hold their partitions for the whole fit within {@code budgetBytes} each
   * (a task's share of an executor's unified memory, {@link #taskMemoryBudget}), with what would help; null if they
   * can. Packed rows take 4 (features + 1) bytes each.
   */
  static String memoryProblem(long budgetBytes, long[] partitionRows, PartitionGroups groups, int numFeatures,
                              int slots) {
    long bytesPerRow = 4L * (numFeatures + 1);
    int largest = 0;
    long total = 0;
    for (int t = 0; t < groups.tasks(); t++) {
      total += groups.rows(t, partitionRows);
      if (groups.rows(t, partitionRows) > groups.rows(largest, partitionRows)) largest = t;
    }
    long largestBytes = groups.rows(largest, partitionRows) * bytesPerRow;
    if (largestBytes <= budgetBytes) return null;
    long needed = (total * bytesPerRow + budgetBytes - 1) / budgetBytes;
    String what = (groups.onePerTask() ? groups.describe(largest) + " holds " : "the task of "
        + groups.describe(largest) + " would hold ") + groups.rows(largest, partitionRows) + " training rows ("
        + largestBytes / (1 << 20) + " MB packed), more than the " + budgetBytes / (1 << 20) + " MB a task of a"
        + " collective fit may hold (spark.executor.memory x spark.memory.fraction / tasks per executor): ";
    return what + (needed <= slots
        ? "the data needs at least " + needed + " partitions of about equal size (repartition it)"
        : "the data needs " + needed + " such tasks at once and the cluster has " + slots + " free task slots (add"
            + " executors or executor memory)");
  }

  /**
   * The cached blocks shuffled once into the tasks of {@code groups}: stage partition t holds task t's partitions'
   * blocks, in partition and block order. A barrier stage needs a free slot for each of its tasks and the same
   * number of partitions in every RDD of the stage; after this shuffle it has {@code groups.tasks()} whatever the
   * input's partitions or lineage (a coalesce). Built once per fit and reused by its members (the shuffle's output
   * stays while the RDD is referenced).
   */
  public static JavaRDD<FeatureBlock> regroup(JavaRDD<FeatureBlock> blocks, PartitionGroups groups) {
    return blocks.mapPartitionsToPair(it -> {
      List<Tuple2<Integer, Tuple2<Integer, FeatureBlock>>> keyed = new ArrayList<>();
      for (int b = 0; it.hasNext(); b++) {
        FeatureBlock block = it.next();
        keyed.add(new Tuple2<>(groups.taskOf(block.partition), new Tuple2<>(b, block)));
      }
      return keyed.iterator();
    }).partitionBy(new HashPartitioner(groups.tasks())).values().mapPartitions(it -> {
      List<Tuple2<Integer, FeatureBlock>> mine = new ArrayList<>();
      it.forEachRemaining(mine::add);
      mine.sort(Comparator.<Tuple2<Integer, FeatureBlock>>comparingInt(b -> b._2().partition)
          .thenComparingInt(Tuple2::_1));
      return mine.stream().map(Tuple2::_2).iterator();
    }, true).setName(TrainingData.BLOCKS_RDD_NAME + " (" + groups.tasks() + " tasks)");
  }

  /** Test hook (system property {@code spark-bnn.test.stall=partition:step}): that task stops answering. */
  private static long[] stallHook() {
    String hook = System.getProperty("spark-bnn.test.stall");
    if (hook == null) return null;
    String[] parts = hook.split(":");
    return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
  }

  /** What a task sends the driver when it fails in a way a rerun would repeat: the kind, then the message. */
  static final class FatalError {
    private FatalError() {}

    static String encode(RuntimeException e) {
      String kind = e instanceof TrainingDivergedException ? "diverged"
          : e instanceof BadInputException ? "invalid" : "failed";
      return kind + ":" + e.getMessage();
    }

    /**
     * The driver's exception for a task's fatal error. The collective names its tasks by their barrier partition;
     * when a task computes a run of the data's partitions, a failure of the collective says which.
     */
    static RuntimeException decode(String fatal, PartitionGroups groups) {
      int colon = fatal.indexOf(':');
      String message = fatal.substring(colon + 1);
      return switch (fatal.substring(0, colon)) {
        case "diverged" -> new TrainingDivergedException(message);
        case "invalid" -> new BadInputException(message);
        default -> new IllegalStateException("collective training failed: " + message + taskRuns(groups));
      };
    }

    /** E.g. " (the partitions named are the stage's 2 tasks: 0 computes partitions 0-2, 1 partitions 3-4)". */
    private static String taskRuns(PartitionGroups groups) {
      if (groups.onePerTask()) return "";
      StringBuilder runs = new StringBuilder(" (the partitions named are the stage's " + groups.tasks() + " tasks: ");
      for (int t = 0; t < Math.min(groups.tasks(), 8); t++) {
        runs.append(t == 0 ? "" : ", ").append(t).append(t == 0 ? " computes " : " ").append(groups.describe(t));
      }
      return runs.append(groups.tasks() > 8 ? ", ..." : "").append(")").toString();
    }

    /** Divergence, invalid input and a silent peer repeat on a rerun; a dead peer (its executor lost) does not. */
    static boolean isFatal(RuntimeException e) {
      return e instanceof TrainingDivergedException || e instanceof BadInputException
          || (e instanceof CollectiveException && ((CollectiveException) e).isTimeout());
    }
  }

  /** The barrier task: rendezvous, connect the mesh, run the loop; rank 0 returns the result. */
  private static final class TaskFunction
      extends scala.runtime.AbstractFunction1<Iterator<FeatureBlock>, Iterator<TrainingLoop.Result>>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final TrainingConfig config;
    private final Standardization standardization;
    private final PartitionGroups groups;
    private final long[] partitionRows;
    private final String trackerHost;
    private final int trackerPort;
    private final byte[] secret;
    private final long timeoutMillis;
    private final long[] stall;
    private final long stateIntervalMillis;
    private final boolean memoryWithinJvm;

    TaskFunction(TrainingConfig config, Standardization standardization, PartitionGroups groups,
                 long[] partitionRows, String trackerHost, int trackerPort, byte[] secret, long timeoutMillis,
                 long[] stall, long stateIntervalMillis, boolean memoryWithinJvm) {
      this.config = config;
      this.standardization = standardization;
      this.groups = groups;
      this.partitionRows = partitionRows;
      this.trackerHost = trackerHost;
      this.trackerPort = trackerPort;
      this.secret = secret;
      this.timeoutMillis = timeoutMillis;
      this.stall = stall;
      this.stateIntervalMillis = stateIntervalMillis;
      this.memoryWithinJvm = memoryWithinJvm;
    }

    @Override
    public Iterator<TrainingLoop.Result> apply(Iterator<FeatureBlock> blocks) {
      BarrierTaskContext context = BarrierTaskContext.get();
      int rank = context.partitionId();
      // The task's partitions' blocks are read into it once, for the whole fit.
      List<PartitionBlocks> parts = partitions(blocks, rank);
      TaskCompute.prepare();
      String address = context.getTaskInfos()[rank].address();
      String host = address.contains(":") ? address.substring(0, address.lastIndexOf(':')) : address;
      try (TrackerClient tracker = new TrackerClient(trackerHost, trackerPort, timeoutMillis, context::isInterrupted)) {
        try (ServerSocketChannel listener = PeerMesh.listen(host)) {
          TrackerClient.Rendezvous rendezvous = tracker.register(secret, context.stageAttemptNumber(), rank,
              groups.tasks(), (InetSocketAddress) listener.getLocalAddress());
          try (PeerMesh mesh = PeerMesh.connect(rank, listener, rendezvous.peers, secret, timeoutMillis,
              context::isInterrupted)) {
            int tasksHere = SharedMemoryExchange.tasksInThisJvm(mesh);
            mesh.pollIfAloneInJvm(tasksHere);
            try (SharedMemoryExchange memory = memoryWithinJvm && tasksHere == groups.tasks()
                ? SharedMemoryExchange.join(HexFormat.of().formatHex(secret) + ":" + context.stageAttemptNumber(),
                    rank, groups.tasks(), timeoutMillis, context::isInterrupted)
                : null) {
              Exchange exchange = memory != null ? memory : mesh;
              if (rank == 0) {
                LOG.info("Bayes by Backprop: collective of {} tasks {}", groups.tasks(),
                    memory != null ? "in one JVM: gradients go through memory" : "over TCP");
              }
              long stallAt = stall != null && stall[0] == rank ? stall[1] : -1;
              GradientSource source = new CollectiveGradientSource(parts, exchange, partitionRows, stallAt);
              TrainingLoop.Result result = TrainingLoop.run(config, standardization, source, e -> {},
                  new TaskCheckpointer(rendezvous.start, exchange, rank == 0 ? tracker : null, stateIntervalMillis));
              List<TrainingLoop.Result> out = rank == 0 ? List.of(result) : List.of();
              return scalaIterator(out.iterator());
            }
          }
        } catch (RuntimeException e) {
          if (FatalError.isFatal(e)) tracker.reportFatal(FatalError.encode(e));
          throw e;
        }
      } catch (IOException e) {
        throw new CollectiveException("partition " + rank + " cannot listen on " + host + ": " + e, e);
      }
    }

    /** Task {@code rank}'s partitions, in order, from its blocks (in partition and block order). */
    private List<PartitionBlocks> partitions(Iterator<FeatureBlock> blocks, int rank) {
      List<PartitionBlocks> parts = new ArrayList<>();
      List<FeatureBlock> run = new ArrayList<>();
      while (blocks.hasNext()) {
        FeatureBlock b = blocks.next();
        if (!run.isEmpty() && run.get(0).partition != b.partition) {
          parts.add(PartitionBlocks.of(run.iterator()));
          run = new ArrayList<>();
        }
        run.add(b);
      }
      if (!run.isEmpty()) parts.add(PartitionBlocks.of(run.iterator()));
      boolean expected = parts.size() == groups.end(rank) - groups.first(rank);
      for (int i = 0; expected && i < parts.size(); i++) expected = parts.get(i).partition == groups.first(rank) + i;
      if (!expected) {
        throw new IllegalStateException("task " + rank + " of the collective fit should compute "
            + groups.describe(rank) + " but received the blocks of " + parts.size() + " partition(s)");
      }
      return parts;
    }
  }

  /** A Scala iterator over a Java one, without the converters whose package differs between Scala 2.12 and 2.13. */
  private static <T> Iterator<T> scalaIterator(java.util.Iterator<T> it) {
    return new scala.collection.AbstractIterator<T>() {
      @Override public boolean hasNext() { return it.hasNext(); }
      @Override public T next() { return it.next(); }
    };
  }

  /**
   * The task side of checkpointing, after every epoch: all tasks check that they hold the same parameters (a hash
   * compared through the mesh), and rank 0 sends the state to the driver, which keeps it for a rerun and writes a
   * checkpoint every checkpointInterval epochs. Inside long epochs rank 0 also sends the state every
   * {@code stateIntervalMillis}, so that a rerun repeats at most that much work; only rank 0 decides when (by its
   * clock), and the other tasks are not involved.
   */
  private static final class TaskCheckpointer implements Checkpointer {
    private final TrainingState start;
    private final Exchange mesh;
    private final TrackerClient tracker;
    private final long stateIntervalNanos;
    private long lastReport = System.nanoTime();

    TaskCheckpointer(TrainingState start, Exchange mesh, TrackerClient tracker, long stateIntervalMillis) {
      this.start = start;
      this.mesh = mesh;
      this.tracker = tracker;
      this.stateIntervalNanos = stateIntervalMillis * 1_000_000L;
    }

    @Override
    public boolean progressDue() {
      return tracker != null && System.nanoTime() - lastReport >= stateIntervalNanos;
    }

    @Override
    public void saveProgress(TrainingState state) {
      tracker.reportState(state);
      lastReport = System.nanoTime();
    }

    @Override public int interval() { return 1; }
    @Override public TrainingState load() { return start; }

    @Override
    public void save(TrainingState state) {
      long hash = 1125899906842597L;
      for (double v : state.theta()) hash = 31 * hash + Double.doubleToRawLongBits(v);
      ByteBuffer[] out = new ByteBuffer[mesh.size()];
      for (int j = 0; j < out.length; j++) out[j] = ByteBuffer.allocate(8).putLong(0, hash);
      ByteBuffer[] in = mesh.exchange(out, "comparing parameters after epoch " + state.epochsDone());
      for (int p = 0; p < in.length; p++) {
        if (p != mesh.rank() && in[p].getLong(0) != hash) {
          throw new IllegalStateException("after epoch " + state.epochsDone() + " partition " + p + " holds other"
              + " parameters than partition " + mesh.rank() + ": the tasks' updates diverged");
        }
      }
      if (tracker != null) {
        tracker.reportState(state);
        lastReport = System.nanoTime();
      }
    }
  }
}
