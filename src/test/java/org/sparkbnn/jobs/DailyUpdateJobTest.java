package org.sparkbnn.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.ml.BayesByBackpropClassificationModel;

/**
 * The nightly pipeline of sequential Bayesian updating, through the jobs: day 1 is trained from scratch, days 2
 * and 3 each start from the previous night's saved model with {@code --initial-model} and
 * {@code priorFromModel=true}; the final model is compared with a full refit on all three days.
 */
class DailyUpdateJobTest {
  /**
   * The fit the tolerances below were measured with (step size 0.01: short fits that converge; klScale 0.5, the
   * default then: with 0.3 a fit on day 3 alone comes within 0.06 nats of the refit, too close for the test to tell
   * it from the chain), every fit the same length and noise model (lengthDoublings off, one noise variance), so that
   * the models differ only in the data they saw.
   */
  private static final String[] PARAMS = {"--param", "hiddenLayers=32", "--param", "batchSize=50", "--param",
      "maxEpochs=100", "--param", "learningRate=0.01", "--param", "seed=3", "--param", "lengthDoublings=0",
      "--param", "likelihood=homoscedastic", "--param", "klScale=0.5"};
  @TempDir Path dir;

  /** n rows of y = sin(2 x1) + 0.5 x2^2 + N(0, 0.2^2), x ~ U(-1.5, 1.5)^2: the same process every day. */
  private Path day(String name, int n, long seed) throws IOException {
    StringBuilder sb = new StringBuilder("x1,x2,y\n");
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      double a = rng.nextDouble(-1.5, 1.5);
      double b = rng.nextDouble(-1.5, 1.5);
      sb.append(a).append(',').append(b).append(',').append(Math.sin(2 * a) + 0.5 * b * b + 0.2 * rng.nextGaussian())
          .append('\n');
    }
    Path p = dir.resolve(name);
    Files.writeString(p, sb.toString());
    return p;
  }

  private static String[] with(String[] head, String... tail) {
    String[] all = java.util.Arrays.copyOf(head, head.length + tail.length + PARAMS.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    System.arraycopy(PARAMS, 0, all, head.length + tail.length, PARAMS.length);
    return all;
  }

  private double heldOutNll(String model, Path heldOut) {
    String scored = dir.resolve(Path.of(model).getFileName() + "-scored.csv").toString();
    assertEquals(0, BnnCli.run(new String[] {"predict", "--model", model, "--input", heldOut.toString(), "--output",
        scored}));
    List<Row> rows = SparkTestSession.get().read().option("header", "true").option("inferSchema", "true")
        .csv(scored).select("y", "prediction", "variance").collectAsList();
    double total = 0;
    for (Row r : rows) {
      double d = r.getDouble(0) - r.getDouble(1);
      total += 0.5 * Math.log(2 * Math.PI * r.getDouble(2)) + d * d / (2 * r.getDouble(2));
    }
    return total / rows.size();
  }

  /**
   * Tolerance: the chained model's held-out NLL within 0.08 nats of the full refit's. Each update loses what the
   * mean-field posterior drops (correlations between weights), and two updates lose it twice; measured gap: 0.034
   * (chained -0.106, refit -0.140; the noise floor is 0.5 log(2 pi e 0.04) = -0.19). A model that knows only day 3
   * is 0.094 worse than the refit: the tolerance tells the two apart (the fits are seeded: these figures repeat).
   */
  @Test
  void threeDaysWithTwoUpdatesComeCloseToAFullRefit() throws IOException {
    SparkTestSession.get();
    Path[] days = {day("day1.csv", 300, 1), day("day2.csv", 300, 2), day("day3.csv", 300, 3)};
    Path all = dir.resolve("all.csv");
    StringBuilder sb = new StringBuilder("x1,x2,y\n");
    for (Path d : days) Files.readAllLines(d).stream().skip(1).forEach(l -> sb.append(l).append('\n'));
    Files.writeString(all, sb.toString());
    Path heldOut = day("held-out.csv", 1000, 4);

    String[] models = new String[3];
    for (int d = 0; d < 3; d++) {
      models[d] = dir.resolve("model-day" + (d + 1)).toString();
      String[] train = {"train", "--input", days[d].toString(), "--label", "y", "--model", models[d]};
      String[] args = d == 0 ? with(train) : with(train, "--initial-model", models[d - 1], "--param",
          "priorFromModel=true");
      assertEquals(0, BnnCli.run(args), "day " + (d + 1));
    }
    String refit = dir.resolve("model-refit").toString();
    assertEquals(0, BnnCli.run(with(new String[] {"train", "--input", all.toString(), "--label", "y", "--model",
        refit})));
    String dayThreeAlone = dir.resolve("model-day3-alone").toString();
    assertEquals(0, BnnCli.run(with(new String[] {"train", "--input", days[2].toString(), "--label", "y", "--model",
        dayThreeAlone})));

    double chained = heldOutNll(models[2], heldOut);
    double full = heldOutNll(refit, heldOut);
    double alone = heldOutNll(dayThreeAlone, heldOut);
    System.out.printf("held-out NLL: chained %.4f, full refit %.4f, day 3 alone %.4f, day 1 %.4f%n", chained, full,
        alone, heldOutNll(models[0], heldOut));
    assertEquals(full, chained, 0.08, "chained updates vs full refit");
    assertTrue(alone > full + 0.08, "day 3 alone " + alone + " is within the tolerance: the test cannot tell");
  }

  /** Exit code and standard error of one job. */
  private static String[] run(String... argv) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return new String[] {String.valueOf(BnnCli.run(argv)), err.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void anInitialModelOfOtherFeaturesTaskOrClassesIsRefusedWithExitCode3() throws IOException {
    SparkTestSession.get();
    Path day = day("day.csv", 100, 5);
    String model = dir.resolve("model").toString();
    assertEquals(0, BnnCli.run(new String[] {"train", "--input", day.toString(), "--label", "y", "--model", model,
        "--param", "maxEpochs=1", "--param", "hiddenLayers=4"}));

    String[] otherFeatures = run("train", "--input", day.toString(), "--label", "y", "--features", "x1", "--model",
        dir.resolve("m2").toString(), "--initial-model", model, "--param", "hiddenLayers=4");
    assertEquals("3", otherFeatures[0]);
    assertTrue(otherFeatures[1].contains("was trained on features x1,x2; this fit's are x1"), otherFeatures[1]);

    Path classes = dir.resolve("classes.csv");
    Files.writeString(classes, "x1,x2,kind\n0,1,ash\n1,0,birch\n0.1,1,ash\n1,0.1,birch\n");
    String[] otherTask = run("train", "--task", "classification", "--input", classes.toString(), "--label", "kind",
        "--model", dir.resolve("m3").toString(), "--initial-model", model);
    assertEquals("3", otherTask[0]);
    assertTrue(otherTask[1].contains("is a regression model; this is a classification fit"), otherTask[1]);

    String classifier = dir.resolve("classifier").toString();
    assertEquals(0, BnnCli.run(new String[] {"train", "--task", "classification", "--input", classes.toString(),
        "--label", "kind", "--model", classifier, "--param", "maxEpochs=1", "--param", "hiddenLayers=4"}));
    Path newClass = dir.resolve("new-class.csv");
    Files.writeString(newClass, "x1,x2,kind\n0,1,ash\n1,1,cedar\n");
    String[] unseen = run("train", "--task", "classification", "--input", newClass.toString(), "--label", "kind",
        "--model", dir.resolve("m4").toString(), "--initial-model", classifier, "--param", "hiddenLayers=4");
    assertEquals("3", unseen[0]);
    assertTrue(unseen[1].contains("holds cedar, which --initial-model '" + classifier + "' has no class for"),
        unseen[1]);
    // A day with only known classes, even one of them, updates the classifier; its classes keep their indices.
    // The update may replace the model it started from (the nightly job's usual layout).
    Path oneClass = dir.resolve("one-class.csv");
    Files.writeString(oneClass, "x1,x2,kind\n0,1,birch\n0.2,0.9,birch\n");
    assertEquals(0, BnnCli.run(new String[] {"train", "--task", "classification", "--input", oneClass.toString(),
        "--label", "kind", "--model", classifier, "--overwrite", "--initial-model", classifier, "--param",
        "priorFromModel=true", "--param", "maxEpochs=1", "--param", "hiddenLayers=4"}));
    BayesByBackpropClassificationModel updated =
        (BayesByBackpropClassificationModel) org.apache.spark.ml.PipelineModel.load(classifier).stages()[2];
    assertEquals(2, updated.numClasses());
    assertTrue(updated.initialModelDigest() != null, "the replaced model records where it started");
  }
}
