package org.sparkbnn.jobs;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkbnn.train.AllReduce;
import org.sparkbnn.train.PartitionGradient;
import org.sparkbnn.train.SyncMode;
import org.sparkbnn.train.collective.Exchange;
import org.sparkbnn.train.collective.PeerMesh;
import org.sparkbnn.train.collective.SharedMemoryExchange;
import scala.collection.Iterator;
import scala.reflect.ClassTag$;

/**
 * The all-reduce of a step's gradient between two tasks, timed alone for a range of sizes: between two threads of
 * this JVM over loopback TCP and through memory (as the tasks of a local-mode fit exchange), and between the two
 * tasks of a barrier stage over TCP (on a local cluster, two executor JVMs: what a collective
 * fit's step pays, without the wait for the slower task that the step's synchronisation time also holds).
 */
final class AllReduceBenchmark {
  static final int[] SIZES = {10_000, 100_000, 1_000_000};

  private AllReduceBenchmark() {}

  /** Prints both; the barrier stage only with {@code spark} not null and two free task slots. */
  static void run(SparkSession spark) {
    double[] inProcess = new double[SIZES.length];
    double[] inMemory = new double[SIZES.length];
    for (int k = 0; k < SIZES.length; k++) {
      inProcess[k] = inProcessMillis(SIZES[k]);
      inMemory[k] = inMemoryMillis(SIZES[k]);
    }
    double[] barrier = null;
    if (spark != null) {
      SyncMode sync = SyncMode.resolve("auto", twoTasks(spark).rdd(), new long[] {1, 1}, 1, false);
      if (sync.collective() && sync.groups().onePerTask()) {
        barrier = barrierStageMillis(spark);
      } else {
        System.out.println("BENCH all-reduce between the tasks of a barrier stage not measured: "
            + (sync.collective() ? "fewer than two free task slots" : sync.reason()));
      }
    }
    for (int k = 0; k < SIZES.length; k++) {
      System.out.printf("BENCH all-reduce of %,d float32 parameters between 2 tasks over loopback: %.3f ms between"
          + " two threads of one JVM (through memory: %.3f ms)%s%n", SIZES[k], inProcess[k], inMemory[k],
          barrier == null ? ""
          : String.format(", %.3f ms between the two tasks of a barrier stage on %s", barrier[k],
              spark.sparkContext().master()));
    }
  }

  /** Mean time of one all-reduce of n parameters between two threads of this JVM, connected over loopback. */
  private static double inProcessMillis(int n) {
    byte[] secret = new byte[32];
    try {
      ServerSocketChannel[] listeners = {PeerMesh.listen("127.0.0.1"), PeerMesh.listen("127.0.0.1")};
      try {
        InetSocketAddress[] addresses = new InetSocketAddress[2];
        for (int r = 0; r < 2; r++) addresses[r] = (InetSocketAddress) listeners[r].getLocalAddress();
        return slowerOfTwoThreads(rank -> PeerMesh.connect(rank, listeners[rank], addresses, secret, 60_000L,
            () -> false), n);
      } finally {
        for (ServerSocketChannel l : listeners) l.close();
      }
    } catch (IOException e) {
      throw new IllegalStateException("all-reduce benchmark failed: " + e, e);
    }
  }

  /** The same between two threads of this JVM through {@link SharedMemoryExchange}, as local-mode tasks exchange. */
  private static double inMemoryMillis(int n) {
    String key = "benchmark-" + UUID.randomUUID();
    return slowerOfTwoThreads(rank -> SharedMemoryExchange.join(key, rank, 2, 60_000L, () -> false), n);
  }

  /** The slower of two threads' mean all-reduce time of n parameters, each on the exchange {@code open} gives it. */
  private static double slowerOfTwoThreads(IntFunction<Exchange> open, int n) {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Double>> times = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        int rank = r;
        times.add(pool.submit(() -> {
          try (Exchange exchange = open.apply(rank)) {
            return meanMillis(exchange, n);
          }
        }));
      }
      return Math.max(times.get(0).get(), times.get(1).get());
    } catch (Exception e) {
      throw new IllegalStateException("all-reduce benchmark failed: " + e, e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Per size, the slower task's mean all-reduce time in one barrier stage of two tasks. */
  private static double[] barrierStageMillis(SparkSession spark) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    List<double[]> perTask = twoTasks(spark).rdd().barrier()
        .mapPartitions(new BarrierTask(secret), false, ClassTag$.MODULE$.apply(double[].class)).toJavaRDD().collect();
    double[] slowest = new double[SIZES.length];
    for (double[] t : perTask) for (int k = 0; k < SIZES.length; k++) slowest[k] = Math.max(slowest[k], t[k]);
    return slowest;
  }

  private static JavaRDD<Integer> twoTasks(SparkSession spark) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(0, 1), 2);
  }

  /**
   * One task of the barrier stage: the two tasks exchange their listening addresses once through
   * {@code allGather} (a fit uses the driver's tracker instead; here a slower rendezvous does not matter), connect,
   * and time every size.
   */
  private static final class BarrierTask extends scala.runtime.AbstractFunction1<Iterator<Integer>, Iterator<double[]>>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] secret;

    BarrierTask(byte[] secret) {
      this.secret = secret;
    }

    @Override
    public Iterator<double[]> apply(Iterator<Integer> ignored) {
      BarrierTaskContext context = BarrierTaskContext.get();
      int rank = context.partitionId();
      String address = context.getTaskInfos()[rank].address();
      String host = address.contains(":") ? address.substring(0, address.lastIndexOf(':')) : address;
      try (ServerSocketChannel listener = PeerMesh.listen(host)) {
        String[] all = context.allGather(host + " " + ((InetSocketAddress) listener.getLocalAddress()).getPort());
        InetSocketAddress[] addresses = Arrays.stream(all).map(a -> a.split(" "))
            .map(a -> new InetSocketAddress(a[0], Integer.parseInt(a[1]))).toArray(InetSocketAddress[]::new);
        try (PeerMesh mesh = PeerMesh.connect(rank, listener, addresses, secret, 60_000L, context::isInterrupted)) {
          mesh.pollIfAloneInJvm(SharedMemoryExchange.tasksInThisJvm(mesh)); // as a fit's task does
          double[] millis = new double[SIZES.length];
          for (int k = 0; k < SIZES.length; k++) millis[k] = meanMillis(mesh, SIZES[k]);
          return scala.collection.Iterator$.MODULE$.single(millis);
        }
      } catch (java.io.IOException e) {
        throw new IllegalStateException("all-reduce benchmark task " + rank + " failed: " + e, e);
      }
    }
  }

  /** This task's mean time of one all-reduce of n parameters on {@code mesh}, after a warm-up of a quarter. */
  private static double meanMillis(Exchange mesh, int n) {
    int reps = n >= 1_000_000 ? 100 : 400;
    float[] g = new float[n];
    Arrays.fill(g, mesh.rank() + 1);
    PartitionGradient mine = new PartitionGradient(mesh.rank(), g, 1.0, 0);
    double[] sum = new double[n];
    long start = 0;
    for (int i = -reps / 4; i < reps; i++) {
      if (i == 0) start = System.nanoTime();
      AllReduce.sumInPartitionOrder(mesh, mine, n, i, sum, null);
    }
    return (System.nanoTime() - start) / 1e6 / reps;
  }
}
