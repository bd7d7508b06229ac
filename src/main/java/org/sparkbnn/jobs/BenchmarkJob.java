package org.sparkbnn.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparkbnn.bayes.Activation;
import org.sparkbnn.bayes.BayesianMlp;
import org.sparkbnn.bayes.ElboObjective;
import org.sparkbnn.bayes.GaussianLikelihood;
import org.sparkbnn.bayes.GaussianPrior;
import org.sparkbnn.bayes.GradientEstimator;
import org.sparkbnn.bayes.KlWeighting;
import org.sparkbnn.bayes.NetworkArchitecture;
import org.sparkbnn.bayes.cpu.FusedElbo;
import org.sparkbnn.bayes.cpu.StepProfile;
import org.sparkbnn.bayes.GaussianPredictive;
import org.sparkbnn.train.CollectiveTraining;
import org.sparkbnn.input.ColumnMoments;
import org.sparkbnn.compute.ComputeKernel;
import org.sparkbnn.train.PartitionGradient;
import org.sparkbnn.train.FeatureBlock;
import org.sparkbnn.train.GradientSource;
import org.sparkbnn.train.LocalGradientSource;
import org.sparkbnn.train.SparkGradientSource;
import org.sparkbnn.input.Standardization;
import org.sparkbnn.train.StepTimings;
import org.sparkbnn.train.TrainingConfig;
import org.sparkbnn.train.TrainingLoop;

/**
 * Throughput benchmark (not a test): one epoch of Bayes by Backprop on a synthetic regression set (the PyTorch
 * peer's generating function), on Spark and, as the baseline measured in the same run, the same training loop
 * in this process without Spark; scoring throughput; and the float32 matrix-product peak ({@link SgemmPeak}) next
 * to the GFLOP/s the training step achieves.
 */
final class BenchmarkJob {
  private BenchmarkJob() {}

  static int run(JobArgs args) {
    int rows = args.intValue("rows", 1_000_000);
    int features = args.intValue("features", 20);
    int[] hidden = args.intList("hidden", new int[] {64, 64});
    int batch = args.intValue("batch", 1024);
    int partitions = args.intValue("partitions", 2);
    int steps = args.intValue("steps", 0);
    boolean withSpark = !"false".equalsIgnoreCase(args.value("spark", "true"));
    int scaleRows = args.intValue("scale-rows", 0);
    String peerScript = args.value("peer", PeerBenchmark.DEFAULT_SCRIPT);
    int[] executors = args.intList("executors", new int[0]);
    args.finish();
    if (rows < 1 || features < 1 || batch < 1 || partitions < 1 || steps < 0
        || java.util.Arrays.stream(hidden).anyMatch(h -> h < 1)) {
      throw new UsageException("--rows, --features, --hidden, --batch and --partitions must be >= 1 and --steps >= 0");
    }
    if (rows < partitions) throw new UsageException("--rows (" + rows + ") must be at least --partitions");
    if (executors.length > 0) {
      if (java.util.Arrays.stream(executors).anyMatch(n -> n < 1 || n > rows)) {
        throw new UsageException("--executors must list counts from 1 to --rows, e.g. 1,2");
      }
      ExecutorScaling.run(executors, rows, features, hidden, batch, steps);
      return 0;
    }
    if (scaleRows != 0) {
      if (scaleRows < partitions) {
        throw new UsageException("--scale-rows (" + scaleRows + ") must be at least --partitions (" + partitions + ")");
      }
      ScaleBenchmark.run(scaleRows, features, hidden, partitions, steps > 0 ? steps : 500);
      return 0;
    }

    System.out.printf("BENCH data: %,d x %d synthetic rows, hidden %s, batch %d, %d partitions%n", rows, features,
        java.util.Arrays.toString(hidden), batch, partitions);
    double[] peak = SgemmPeak.measure();

    List<FeatureBlock> blocks = new ArrayList<>();
    for (int p = 0; p < partitions; p++) blocks.add(syntheticBlock(p, rows, features, partitions));
    Standardization standardization = standardization(blocks, features);
    BayesianMlp network = network(features, hidden);
    Map<String, Double> peer = PeerBenchmark.run(peerScript, rows, features, hidden, batch);

    for (GradientEstimator estimator : GradientEstimator.values()) {
      double flopsPerRow = trainingFlopsPerRow(network.architecture(), estimator);
      StepTimings baseline = null;
      double bestFused = 0;
      for (ComputeKernel kernel : new ComputeKernel[] {ComputeKernel.FUSED, ComputeKernel.ND4J}) {
        for (int threads = 1; threads <= 2; threads++) {
          try (LocalGradientSource source = new LocalGradientSource(blocks, threads)) {
            StepProfile profile = FusedElbo.forThread(network.architecture()).profile();
            StepTimings t = timeEpoch(config(network, estimator, batch, kernel), standardization, source, steps,
                batch, profile::reset);
            report("in-process, " + kernel.paramValue() + " kernel, " + threads + " thread(s)", estimator, t,
                flopsPerRow, peak[threads]);
            if (kernel == ComputeKernel.FUSED && threads == 1) {
              System.out.printf("BENCH profile %s, fused kernel, 1 thread, each of %d partitions' share of ~%d rows:"
                  + " %s%n", estimator.paramValue(), partitions, batch / partitions, profile);
            }
            if (kernel == ComputeKernel.FUSED) {
              if (threads == 1) baseline = t;
              bestFused = Math.max(bestFused, t.rowsPerSecond());
            }
          }
        }
      }
      double peerBest = PeerBenchmark.best(peer, estimator.paramValue() + " train");
      if (peerBest > 0) {
        System.out.printf("BENCH %s: fused kernel in-process (best of 1 and 2 threads) / PyTorch peer (best): %.2f%n",
            estimator.paramValue(), bestFused / peerBest);
      }
      if (!withSpark) continue;
      TrainingConfig config = config(network, estimator, batch, ComputeKernel.FUSED);
      StepTimings local = baseline;
      SparkSession spark = SparkSessions.create("spark-bnn benchmark");
      // Generate the blocks on the executors: parallelising the blocks themselves would ship them in every task.
      List<Integer> ids = new ArrayList<>();
      for (int p = 0; p < partitions; p++) ids.add(p);
      JavaRDD<FeatureBlock> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .parallelize(ids, partitions).map(p -> syntheticBlock(p, rows, features, partitions))
          .persist(StorageLevel.MEMORY_ONLY());
      long[] sizes = blocks.stream().mapToLong(FeatureBlock::rows).toArray();
      rdd.count();
      double emptyMillis = emptyRoundTripMillis(rdd, network.numParameters());
      System.out.printf("BENCH Spark %s round trip of an empty step (ship parameters, return a gradient-sized"
          + " array, no math): %.2f ms%n", spark.sparkContext().master(), emptyMillis);
      StepTimings distributed =
          timeEpoch(config, standardization, new SparkGradientSource(rdd, sizes), steps, batch);
      report("Spark " + spark.sparkContext().master() + " sparkJob", estimator, distributed, flopsPerRow, peak[2]);
      System.out.printf("BENCH %s: Spark / baseline throughput ratio %.2f%n", estimator.paramValue(),
          distributed.rowsPerSecond() / local.rowsPerSecond());
      StageFits stage = new StageFits(config, standardization, rdd, sizes, features, steps, batch);
      if (stage.collective()) {
        String master = spark.sparkContext().master();
        boolean oneJvm = master.startsWith("local[");
        SteadyFits<StepTimings> collective = stage.measure();
        report(String.format("Spark %s collective%s%s, %s; timed fits of %,d steps", master, stage.tasks,
            oneJvm ? " (tasks in one JVM: through memory)" : "", collective.describe(), stage.timedSteps), estimator,
            collective.median(), flopsPerRow, peak[2]);
        SteadyFits<StepTimings> tcp = null;
        if (oneJvm) {
          // The same fit with the tasks on the TCP mesh, as tasks of separate executors exchange.
          System.setProperty(CollectiveTraining.TRANSPORT_PROPERTY, "tcp");
          try {
            tcp = stage.measure();
            report(String.format("Spark %s collective%s over TCP, %s; timed fits of %,d steps", master, stage.tasks,
                tcp.describe(), stage.timedSteps), estimator, tcp.median(), flopsPerRow, peak[2]);
          } finally {
            System.clearProperty(CollectiveTraining.TRANSPORT_PROPERTY);
          }
        }
        if (peerBest > 0) {
          System.out.printf("BENCH %s: collective in the Spark stage / PyTorch peer (best): %.2f%n",
              estimator.paramValue(), collective.median().rowsPerSecond() / peerBest);
        }
        StepTimings after;
        try (LocalGradientSource source = new LocalGradientSource(blocks, 1)) {
          after = timeEpoch(config, standardization, source, steps, batch);
        }
        System.out.printf("BENCH %s: collective / single-threaded in-process loop: %.2f%s (the better of the loop's"
            + " %,.0f rows/s before the stage's fits and %,.0f after); sparkJob: %.2f%n", estimator.paramValue(),
            collective.ratio(local.rowsPerSecond(), after.rowsPerSecond()), tcp == null ? ""
                : String.format(", over TCP %.2f", tcp.ratio(local.rowsPerSecond(), after.rowsPerSecond())),
            local.rowsPerSecond(), after.rowsPerSecond(), distributed.rowsPerSecond() / local.rowsPerSecond());
      } else {
        System.out.println("BENCH collective not measured: " + stage.reason());
      }
      rdd.unpersist(true);
    }

    AllReduceBenchmark.run(withSpark ? SparkSessions.create("spark-bnn benchmark") : null);

    double[] theta = new ElboObjective(network, new GaussianPrior(1.0), GradientEstimator.REPARAMETERIZATION, 1, 1L)
        .initialParameters(-5.0);
    double bestScoring = 0;
    for (ComputeKernel kernel : new ComputeKernel[] {ComputeKernel.FUSED, ComputeKernel.ND4J}) {
      for (int threads = 1; threads <= 2; threads++) {
        double rowsPerSecond = scoringRowsPerSecond(network, theta, kernel, threads, features);
        System.out.printf("BENCH scoring, predictSamples=32, batches of %d rows, in-process, %s kernel, %d thread(s):"
            + " %,.0f rows/s%n", SCORING_BATCH, kernel.paramValue(), threads, rowsPerSecond);
        if (kernel == ComputeKernel.FUSED) bestScoring = Math.max(bestScoring, rowsPerSecond);
      }
    }
    double peerScoring = PeerBenchmark.best(peer, "reparameterization score");
    if (peerScoring > 0) {
      System.out.printf("BENCH scoring: fused kernel in-process (best) / PyTorch peer (best): %.2f%n",
          bestScoring / peerScoring);
    }
    if (withSpark) {
      TransformBenchmark.run(rows, features, hidden, partitions,
          threads -> scoringRowsPerSecond(network, theta, ComputeKernel.FUSED, threads, features));
    }
    return 0;
  }

  private static final int SCORING_BATCH = 8192;

  /**
   * Rows/s of the regression predictive at 32 samples over batches of {@value #SCORING_BATCH} rows, with
   * {@code threads} scorers running at once (each with its own weight samples, as each Spark task has).
   */
  private static double scoringRowsPerSecond(BayesianMlp network, double[] theta, ComputeKernel kernel, int threads,
                                             int features) {
    float[] x = new float[SCORING_BATCH * features];
    SplittableRandom rng = new SplittableRandom(7);
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<Long>> scored = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        scored.add(pool.submit(() -> {
          GaussianPredictive predictive =
              new GaussianPredictive(kernel.sampledNetworks(network, theta, 32, 1L), network.likelihood());
          predictive.predict(x, SCORING_BATCH);
          long rows = 0;
          long begin = System.nanoTime();
          while (System.nanoTime() - begin < 4_000_000_000L) {
            predictive.predict(x, SCORING_BATCH);
            rows += SCORING_BATCH;
          }
          return rows * 1_000_000_000L / (System.nanoTime() - begin);
        }));
      }
      long total = 0;
      for (java.util.concurrent.Future<Long> f : scored) total += f.get();
      return total;
    } catch (Exception e) {
      throw new IllegalStateException("scoring benchmark failed: " + e, e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One job per "step" over the cached blocks that only moves data: the floor of Spark's per-step cost. */
  private static double emptyRoundTripMillis(JavaRDD<FeatureBlock> rdd, int numParameters) {
    float[] theta = new float[numParameters];
    int reps = 100;
    long start = 0;
    for (int i = -20; i < reps; i++) {
      if (i == 0) start = System.nanoTime();
      rdd.mapPartitions(it -> {
        float[] g = new float[theta.length];
        g[0] = it.hasNext() ? it.next().rows() : 0;
        return java.util.Collections.singletonList(g).iterator();
      }).collect();
    }
    return (System.nanoTime() - start) / 1e6 / reps;
  }

  /** The benchmark's network: the PyTorch peer's, ReLU layers and one output with a learned noise variance. */
  static BayesianMlp network(int features, int[] hidden) {
    return new BayesianMlp(new NetworkArchitecture(features, hidden, 1, Activation.RELU),
        GaussianLikelihood.homoscedastic(0.1));
  }

  static Standardization standardization(List<FeatureBlock> blocks, int features) {
    ColumnMoments moments = new ColumnMoments(features + 1);
    for (FeatureBlock b : blocks) moments.merge(b.moments());
    return Standardization.fromMoments(moments, features);
  }

  static TrainingConfig config(BayesianMlp network, GradientEstimator estimator, int batch, ComputeKernel kernel) {
    return new TrainingConfig(new ElboObjective(network, new GaussianPrior(1.0), estimator, 1, 1L), batch, 1, 0, 0,
        1e-3, KlWeighting.UNIFORM, 1.0, -5.0, kernel);
  }

  private static StepTimings timeEpoch(TrainingConfig config, Standardization standardization,
                                       GradientSource source, int steps, int batch) {
    return timeEpoch(config, standardization, source, steps, batch, () -> { });
  }

  /**
   * One epoch (or {@code steps} steps) after untimed ones, as the peer warms up: rounds of {@value #WARM_UP_STEPS}
   * steps for at least {@value #WARM_UP_SECONDS} seconds, so that the JIT has compiled the kernel's loops before the
   * clock starts. The Vector API's code runs boxed, 5-20 times slower, until C2 has compiled it; on two vCPUs, with
   * the compiler's queue full of Spark's and ND4J's start-up code, that took 1-1.5 s after a loop's first use
   * (-XX:+PrintCompilation), longer than 200 steps.
   */
  private static StepTimings timeEpoch(TrainingConfig config, Standardization standardization,
                                       GradientSource source, int steps, int batch, Runnable afterWarmUp) {
    long warmUntil = System.nanoTime() + WARM_UP_SECONDS * 1_000_000_000L;
    do {
      TrainingLoop.run(config, standardization, new TruncatedEpoch(source, (long) WARM_UP_STEPS * batch), e -> { });
    } while (System.nanoTime() < warmUntil);
    afterWarmUp.run();
    GradientSource limited = steps > 0 ? new TruncatedEpoch(source, (long) steps * batch) : source;
    return TrainingLoop.run(config, standardization, limited, e -> { }).timings;
  }

  private static final int WARM_UP_STEPS = 200;
  private static final int WARM_UP_SECONDS = 3;

  private static void report(String where, GradientEstimator estimator, StepTimings t, double flopsPerRow,
                             double peak) {
    double gflops = t.rowsPerSecond() * flopsPerRow / 1e9;
    System.out.printf("BENCH train %s, %s: %s; %.2f GFLOP/s = %.1f%% of peak%n", estimator.paramValue(), where, t,
        gflops, 100 * gflops / peak);
  }

  /**
   * Floating-point operations (2 per multiply-add) of one training row as a step computes them: the forward
   * products, the weight-gradient products and the input-gradient products of every layer but the first (the
   * inputs need no gradient); the local reparameterisation trick runs each product twice, on the means and on the
   * variances (BayesianMlp.locallyReparameterizedGradient).
   */
  static double trainingFlopsPerRow(NetworkArchitecture a, GradientEstimator estimator) {
    long macs = 3 * a.multiplyAddsPerRow() - (long) a.layerInputs(0) * a.layerOutputs(0);
    return 2.0 * macs * (estimator == GradientEstimator.LOCAL_REPARAMETERIZATION ? 2 : 1);
  }

  /**
   * Partition p of the synthetic set, generated from its own seed: the PyTorch peer's function
   * sin(x.w) + 0.5 x0 x1 + 0.1 x2^2 + N(0, (0.1 + 0.2 sigmoid(x3))^2) with x ~ N(0, I).
   */
  static FeatureBlock syntheticBlock(int partition, int rows, int features, int partitions) {
    float[][] xy = syntheticRows(partition, rows, features, partitions);
    return new FeatureBlock(partition, xy[1].length, features, xy[0], xy[1], 0);
  }

  /** The rows of {@link #syntheticBlock}: {features (row-major), labels}. */
  static float[][] syntheticRows(int partition, int rows, int features, int partitions) {
    SplittableRandom weights = new SplittableRandom(0);
    double[] w = new double[features];
    for (int j = 0; j < features; j++) w[j] = weights.nextGaussian() / Math.sqrt(features);
    SplittableRandom rng = new SplittableRandom(1000 + partition);
    int n = (int) ((long) rows * (partition + 1) / partitions - (long) rows * partition / partitions);
    float[] x = new float[n * features];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      double dot = 0;
      for (int j = 0; j < features; j++) {
        x[i * features + j] = (float) rng.nextGaussian();
        dot += x[i * features + j] * w[j];
      }
      double x0 = x[i * features];
      double x1 = x[i * features + 1];
      double x2 = x[i * features + 2];
      double noise = (0.1 + 0.2 / (1 + Math.exp(-x[i * features + 3]))) * rng.nextGaussian();
      y[i] = (float) (Math.sin(dot) + 0.5 * x0 * x1 + 0.1 * x2 * x2 + noise);
    }
    return new float[][] {x, y};
  }

  /** Presents a source as if it held only {@code rows} rows, so that one "epoch" is a fixed number of steps. */
  private static final class TruncatedEpoch implements GradientSource {
    private final GradientSource source;
    private final long rows;

    TruncatedEpoch(GradientSource source, long rows) {
      this.source = source;
      this.rows = rows;
    }

    @Override public long[] partitionRows() {
      long[] real = source.partitionRows();
      long total = java.util.Arrays.stream(real).sum();
      long[] scaled = new long[real.length];
      for (int p = 0; p < real.length; p++) scaled[p] = Math.max(1, real[p] * rows / total);
      return scaled;
    }

    @Override public boolean concurrentPartitions() { return source.concurrentPartitions(); }

    @Override public List<org.sparkbnn.train.PartitionGradient> compute(
        org.sparkbnn.train.StepFunction f, float[] theta, long step, int[] shares) {
      return source.compute(f, theta, step, shares);
    }
  }
}
