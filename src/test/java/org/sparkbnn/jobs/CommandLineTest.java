package org.sparkbnn.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.sparkbnn.bayes.IntervalCalibration;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;

/** The spark-submit commands, run in-process on the shared local session. */
class CommandLineTest {
  private static final String DIABETES = "jobs/data/diabetes.csv";
  @TempDir Path dir;

  @Test
  void trainThenPredictKeepsInputColumnsAndAppendsPredictiveColumns() throws java.io.IOException {
    SparkTestSession.get();
    String model = dir.resolve("model").toString();
    String out = dir.resolve("scored.csv").toString();
    assertEquals(0, BnnCli.run(new String[] {"train", "--input", DIABETES, "--label", "progression", "--model",
        model, "--param", "maxEpochs=3", "--param", "hiddenLayers=8"}));
    assertEquals(0, BnnCli.run(new String[] {"predict", "--model", model, "--input", DIABETES, "--output", out,
        "--param", "epistemicVarianceCol=epistemic"}));
    List<Row> rows = SparkTestSession.get().read().option("header", "true").option("inferSchema", "true").csv(out)
        .collectAsList();
    assertEquals(442, rows.size());
    List<String> columns = Arrays.asList(rows.get(0).schema().fieldNames());
    assertEquals(Arrays.asList("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6", "progression",
        "prediction", "variance", "epistemic"), columns);
    assertTrue(rows.get(0).getDouble(12) > 0);
    assertFalse(Arrays.stream(new File(dir.toString()).list()).anyMatch(n -> n.contains(".tmp-")),
        "temporary output left behind");
    assertTrue(new File(model, "_SUCCESS").isFile() && new File(out, "_SUCCESS").isFile(),
        "a complete model and output carry the scheduler's _SUCCESS marker");
    String report = Files.readString(Path.of(model, TrainJob.REPORT));
    Matcher trained = Pattern.compile("training rows</td><td>(\\d+)").matcher(report);
    Matcher heldOut = Pattern.compile("interval calibration</td><td>(\\d+) rows held out").matcher(report);
    assertTrue(report.contains("input</td><td>" + DIABETES) && trained.find() && heldOut.find()
        && Integer.parseInt(trained.group(1)) + Integer.parseInt(heldOut.group(1)) == 442,
        "the fit's report is saved with the model, naming its input and its 442 rows (trained on or held out)");
    assertTrue(Pattern.compile("noise model \\(likelihood=auto\\)</td><td>"
        + "(homoscedastic|heteroscedastic|mixture) \\(held-out").matcher(report).find(),
        "the report says which noise model likelihood=auto kept");
    assertEquals(2, BnnCli.run(new String[] {"predict", "--model", model, "--input", DIABETES, "--output", out}),
        "existing output without --overwrite is a usage error");
    // A training Param given to predict (a params file shared with train) is noted, not silently taken as doing
    // something; a scoring Param is not.
    CliRuns.Run noted = CliRuns.run("predict", "--model", model, "--input", DIABETES, "--output",
        dir.resolve("noted.parquet").toString(), "--param", "maxEpochs=5", "--param", "learningRate=0.1",
        "--param", "predictSamples=20");
    assertEquals(0, noted.code(), noted.err());
    assertTrue(noted.err().contains("note: predict ignores learningRate, maxEpochs: only a fit reads them"),
        noted.err());
  }

  @Test
  void aCsvWhoseHeaderHasNoCommasIsReadWithTheSeparatorItHolds() throws Exception {
    String rows = "1.5,2,3\n4,5.25,6\n";
    Path comma = dir.resolve("comma.csv");
    Files.writeString(comma, "\"fixed acidity\",b,quality\n" + rows);
    List<Row> expected = DataIO.read(SparkTestSession.get(), comma.toString()).collectAsList();
    for (String separator : new String[] {";", "\t", "|"}) {
      Path other = dir.resolve("other" + (int) separator.charAt(0) + ".csv");
      Files.writeString(other, ("\"fixed acidity\",b,quality\n" + rows).replace(",", separator));
      org.apache.spark.sql.Dataset<Row> read = DataIO.read(SparkTestSession.get(), other.toString());
      assertArrayEquals(new String[] {"fixed acidity", "b", "quality"}, read.columns(), "separator " + separator);
      assertEquals(expected, read.collectAsList(), "separator " + separator);
    }
    assertEquals(null, DataIO.otherSeparator(new String[] {"a;b", "c"}), "a header with commas keeps them");
    assertEquals(null, DataIO.otherSeparator(new String[] {"label"}), "one column of its own");
  }

  @Test
  void evaluateRunsTheSplitProtocol() throws Exception {
    SparkTestSession.get();
    Path csv = dir.resolve("small.csv");
    StringBuilder sb = new StringBuilder("x1,x2,y\n");
    java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
    for (int i = 0; i < 200; i++) {
      double a = rng.nextDouble();
      double b = rng.nextDouble();
      sb.append(a).append(',').append(b).append(',').append(3 * a - b + 0.1 * rng.nextGaussian()).append('\n');
    }
    Files.writeString(csv, sb.toString());
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, BnnCli.run(new String[] {"evaluate", "--input", csv.toString(), "--label", "y", "--splits",
          "2", "--param", "maxEpochs=5", "--param", "hiddenLayers=8"}));
    } finally {
      System.setOut(original);
    }
    // Each split names the noise model likelihood=auto kept, and the counts cover both splits.
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(2, Pattern.compile("(?m)^split \\d: .*, (homoscedastic|heteroscedastic|mixture) noise$")
        .matcher(printed).results().count(), printed);
    Matcher kept = Pattern.compile("(?m)^noise model kept: (.*) of 2 splits$").matcher(printed);
    assertTrue(kept.find(), printed);
    assertEquals(2, Pattern.compile(" in (\\d+)").matcher(kept.group(1)).results()
        .mapToInt(r -> Integer.parseInt(r.group(1))).sum(), kept.group(1));
  }

  @Test
  void classificationTrainPredictAndComparison() {
    SparkTestSession.get();
    Path csv = dir.resolve("classes.csv");
    StringBuilder sb = new StringBuilder("x1,x2,kind\n");
    java.util.SplittableRandom rng = new java.util.SplittableRandom(2);
    String[] kinds = {"ash", "birch", "cedar"};
    for (int i = 0; i < 300; i++) {
      int c = rng.nextInt(3);
      sb.append(c + 0.3 * rng.nextGaussian()).append(',').append(-c + 0.3 * rng.nextGaussian()).append(',')
          .append(kinds[c]).append('\n');
    }
    try {
      Files.writeString(csv, sb.toString());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    String model = dir.resolve("classifier").toString();
    String out = dir.resolve("classes-scored.csv").toString();
    assertEquals(0, BnnCli.run(new String[] {"train", "--task", "classification", "--input", csv.toString(),
        "--label", "kind", "--model", model, "--param", "maxEpochs=20", "--param", "learningRate=0.01", "--param",
        "hiddenLayers=8"}));
    assertEquals(0, BnnCli.run(new String[] {"predict", "--model", model, "--input", csv.toString(), "--output",
        out}));
    List<Row> rows = SparkTestSession.get().read().option("header", "true").option("inferSchema", "true").csv(out)
        .collectAsList();
    assertEquals(300, rows.size());
    assertEquals(Arrays.asList("x1", "x2", "kind", "prediction", "predictiveEntropy",
        "mutualInformation", "predictedLabel", "probability_ash", "probability_birch", "probability_cedar"),
        Arrays.asList(rows.get(0).schema().fieldNames()));
    long correct = rows.stream().filter(r -> r.getString(2).equals(r.getString(6))).count();
    // Centres (c, -c) are sqrt(2) apart with noise sd 0.3 along the line joining them: the Bayes error is
    // Phi(-0.707 / 0.3) = 0.9% per neighbour, 1.2% of rows on average (3.6 of 300, sd 1.9). Up to 30 errors leave
    // room for a 20-epoch fit; labels mixed up between the model and the output (the defect this guards) give ~100.
    assertTrue(correct > 270, "training accuracy " + correct + "/300 on well-separated classes");
    // Columns that predict writes beyond the model's own, already in the input: refused, naming them, rather than
    // one replacing the other (the per-class columns would have replaced the input's without a word).
    CliRuns.Run rescored = CliRuns.run("predict", "--model", model, "--input", out, "--output",
        dir.resolve("rescored.csv").toString());
    assertEquals(3, rescored.code(), rescored.err());
    assertTrue(rescored.err().contains("already has a column 'predictedLabel', which predict writes"), rescored.err());
    Path withProbability = dir.resolve("with-probability.csv");
    try {
      Files.writeString(withProbability, sb.toString().replace("\n", ",0.5\n").replaceFirst("kind,0.5",
          "kind,probability_birch"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    CliRuns.Run clash = CliRuns.run("predict", "--model", model, "--input", withProbability.toString(), "--output",
        dir.resolve("clash.csv").toString());
    assertEquals(3, clash.code(), clash.err());
    assertTrue(clash.err().contains("already has a column 'probability_birch'"), clash.err());
    assertFalse(new java.io.File(dir.resolve("clash.csv").toString()).exists(), "nothing written");
    assertEquals(2, BnnCli.run(new String[] {"train", "--task", "clustering", "--input", csv.toString(), "--label",
        "kind", "--model", model}), "unknown task");
    assertEquals(0, BnnCli.run(new String[] {"compare-classifiers", "--input", csv.toString(), "--label", "kind",
        "--splits", "1", "--param", "maxEpochs=5", "--param", "hiddenLayers=8"}));
  }

  /** RMSE, Gaussian log-likelihood, interval coverage and calibration error, worked by hand. */
  @Test
  void protocolMetricsMatchHandComputedValues() {
    // Label, mean, variance, and the model's log predictive density (its mean is the test LL) and CDF at the label.
    // The CDFs 0.15, 0.55 and 0.95 lie below p for 0, 1 and 2 of the rows at p = 0.1, 0.2..0.5, 0.6..0.9.
    List<Row> rows = Arrays.asList(RowFactory.create(1.0, 0.0, 1.0, -1.5, 0.95),
        RowFactory.create(-2.0, 0.0, 1.0, -2.5, 0.15), RowFactory.create(0.5, 0.0, 4.0, -1.0, 0.55));
    double[] m = EvaluateJob.score(rows, IntervalCalibration.NONE);
    double ll = (-0.5 * Math.log(2 * Math.PI) - 0.5) + (-0.5 * Math.log(2 * Math.PI) - 2.0)
        + (-0.5 * Math.log(8 * Math.PI) - 0.25 / 8);
    // Calibration error at p = 0.1..0.9: y is below its p-quantile when Phi(z) < p, z = (y - mean) / sd: z = 1
    // (Phi 0.84) only at p = 0.9; z = -2 (Phi 0.02) at every p; z = 0.25 (Phi 0.60) from p = 0.6. So the observed
    // frequency is 1/3 for p <= 0.5, 2/3 for p = 0.6..0.8 and 1 at 0.9; the error is the mean of (p - observed)^2.
    double calibration = 0;
    for (int j = 1; j <= 9; j++) {
      double p = j / 10.0;
      double observed = j <= 5 ? 1 / 3.0 : j <= 8 ? 2 / 3.0 : 1;
      calibration += (p - observed) * (p - observed) / 9;
    }
    double mixtureCalibration = 0;
    for (int j = 1; j <= 9; j++) {
      double p = j / 10.0;
      double observed = j == 1 ? 0 : j <= 5 ? 1 / 3.0 : 2 / 3.0;
      mixtureCalibration += (p - observed) * (p - observed) / 9;
    }
    assertArrayEquals(new double[] {Math.sqrt((1 + 4 + 0.25) / 3), -5.0 / 3, ll / 3, 2 / 3.0, 2 / 3.0,
        mixtureCalibration, calibration}, m, 1e-12);

    // A calibrated model's intervals are mean -+ q sqrt(variance): with q = 2.5 at every level, |z| = 2 is inside
    // both; the other metrics do not change.
    double[] wide = new double[199];
    Arrays.fill(wide, 2.5);
    double[] calibrated = EvaluateJob.score(rows, new IntervalCalibration(wide));
    assertArrayEquals(new double[] {m[0], m[1], m[2], 1.0, 1.0, m[5], m[6]}, calibrated, 1e-12);
  }
}
