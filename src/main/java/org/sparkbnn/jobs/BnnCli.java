package org.sparkbnn.jobs;

import java.util.concurrent.atomic.AtomicBoolean;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.train.TrainingDivergedException;

/**
 * Entry point of the application jar: {@code train}, {@code predict}, {@code evaluate},
 * {@code compare-classifiers}, {@code demo} and {@code benchmark}. Exit codes: 0 success, 1 failure, 2 usage
 * error, 3 invalid input (data, model or parameters), 4 training diverged.
 */
public final class BnnCli {
  static final String USAGE = String.join("\n",
      "usage: bnn <command> [options]",
      "  train     --input PATH --label COL [--features a,b,c] [--task regression|classification] --model PATH",
      "            [--initial-model PATH] [PARAMS] [--overwrite]",
      "            --initial-model: start from a model saved by train (same features and task); with",
      "            --param priorFromModel=true its posterior is the prior (sequential Bayesian updating)",
      "  predict   --model PATH --input PATH --output PATH [--format parquet|csv] [PARAMS] [--overwrite]",
      "  evaluate  --input PATH --label COL [--features a,b,c] [--splits 20] [PARAMS]",
      "  compare-classifiers --input PATH --label COL [--features a,b,c] [--splits 20] [--test-fraction 0.2]",
      "            [--mlp-max-iter 100] [PARAMS]   Bayesian classifier vs MultilayerPerceptronClassifier",
      "  demo      train on the bundled data set and print predictions on and off the data",
      "  benchmark [--rows 1000000] [--features 20] [--hidden 64,64] [--batch 1024] [--partitions 2] [--steps N]",
      "            [--spark false] [--peer ../shared/peers/bbb_torch.py]   throughput, next to the PyTorch peer",
      "            [--scale-rows N]   instead: one fit of N generated rows and the executors' peak memory",
      "            [--executors 1,2]   instead: the collective fit on local clusters of 1, then 2 executor JVMs",
      "Inputs: CSV with a header (*.csv) or Parquet; paths on any Hadoop file system. [--null-value TOKEN]: in a CSV",
      "  input, TOKEN (e.g. '?' or NA) marks a missing value (handleInvalid then decides about its rows).",
      "Features: without --features, every numeric or boolean column but the label, and every text column of at",
      "  most 100 categories (one-hot encoded; an empty cell or a category unseen in training scores as none of them).",
      "PARAMS: [--params-file FILE] [--param name=value ...], the stage's Param names, e.g.",
      "  --params-file conf/regressor.properties --param maxEpochs=200",
      "Exit codes: 0 ok, 1 failure, 2 usage error, 3 invalid input, 4 training diverged; 130 / 143 interrupted",
      "(SIGINT, e.g. Ctrl-C / SIGTERM).");

  private BnnCli() {}

  /**
   * Set when the JVM begins to shut down (Ctrl-C, SIGTERM): Spark's own shutdown hook then stops the SparkContext,
   * and the job fails with "cancelled because SparkContext was shut down", which is the user's interrupt, not a
   * fault, and gets one line instead of a trace.
   */
  private static final AtomicBoolean SHUTTING_DOWN = new AtomicBoolean();

  public static void main(String[] argv) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> SHUTTING_DOWN.set(true), "spark-bnn interrupt"));
    int code = run(argv);
    // Stop Spark before exiting, so that a local cluster's executors and workers shut down in order.
    scala.Option<org.apache.spark.sql.SparkSession> spark = org.apache.spark.sql.SparkSession.getDefaultSession();
    if (spark.isDefined()) spark.get().stop();
    System.exit(code);
  }

  static int run(String[] argv) {
    if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("help")) {
      System.out.println(USAGE);
      return argv.length == 0 ? 2 : 0;
    }
    try {
      return switch (argv[0]) {
        case "train" -> TrainJob.run(new JobArgs(argv, 1, "overwrite"));
        case "predict" -> PredictJob.run(new JobArgs(argv, 1, "overwrite"));
        case "evaluate" -> EvaluateJob.run(new JobArgs(argv, 1));
        case "compare-classifiers" -> CompareClassifiersJob.run(new JobArgs(argv, 1));
        case "demo" -> DemoJob.run(new JobArgs(argv, 1));
        case "benchmark" -> BenchmarkJob.run(new JobArgs(argv, 1));
        default -> throw new UsageException("unknown command '" + argv[0] + "'");
      };
    } catch (UsageException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("(run 'bnn help' for usage)");
      return 2;
    } catch (Exception e) { // also checked exceptions that Scala code throws undeclared
      if (SHUTTING_DOWN.get()) {
        // The JVM's exit status is the signal's (130 for SIGINT, 143 for SIGTERM), whatever is returned here.
        System.err.println("error: interrupted before " + argv[0] + " finished: nothing it was writing was put in"
            + " place");
        return 130;
      }
      // Expected failures (bad data, Params, paths; divergence) are one line; Spark's wrapping is dropped.
      TrainingDivergedException diverged = divergedIn(e);
      if (diverged != null) {
        System.err.println("error: " + diverged.getMessage());
        return 4;
      }
      // Ours anywhere in the chain (Spark wraps a task's failure); Spark's own Param and schema checks on top.
      BadInputException invalid = BadInputException.findIn(e);
      if (invalid != null || e instanceof IllegalArgumentException) {
        System.err.println("error: " + (invalid != null ? invalid : e).getMessage());
        return 3;
      }
      System.err.println("error: " + e);
      e.printStackTrace();
      String log = System.getProperty("bnn.log.file");
      if (log != null) System.err.println("(the full log is in " + log + ")");
      return 1;
    }
  }

  private static TrainingDivergedException divergedIn(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TrainingDivergedException) return (TrainingDivergedException) c;
    }
    return null;
  }
}
