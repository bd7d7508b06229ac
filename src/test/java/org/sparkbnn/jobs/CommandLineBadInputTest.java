package org.sparkbnn.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkbnn.jobs.CliRuns.DIABETES;
import static org.sparkbnn.jobs.CliRuns.diabetes;
import static org.sparkbnn.jobs.CliRuns.quickTrain;
import static org.sparkbnn.jobs.CliRuns.run;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.jobs.CliRuns.Run;

/**
 * What bad input and faults get from the jobs: one clear line naming the column, row, Param or path, the
 * documented exit code (2 usage, 3 invalid input), and nothing lost or left behind.
 */
class CommandLineBadInputTest {
  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    SparkTestSession.get();
  }

  /** The diabetes CSV with data row {@code row} (1-based) having column {@code column} replaced. */
  private String diabetesWith(String name, int row, int column, String value) throws IOException {
    return CliRuns.diabetesWith(dir, name, row, column, value);
  }

  @Test
  void twoConcurrentRunsCannotReplaceEachOthersModel() throws Exception {
    String model = dir.resolve("model").toString();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Callable<Integer> train = () -> BnnCli.run(quickTrain(DIABETES, model));
      List<Future<Integer>> runs = pool.invokeAll(List.of(train, train));
      List<Integer> codes = new ArrayList<>();
      for (Future<Integer> f : runs) codes.add(f.get());
      codes.sort(null);
      assertEquals(List.of(0, 2), codes, "one run saves the model, the other is refused");
    } finally {
      pool.shutdownNow();
    }
    assertTrue(new File(model, "metadata").isDirectory() || new File(model, "stages").isDirectory());
    assertFalse(Arrays.stream(dir.toFile().list()).anyMatch(n -> n.contains(".claim") || n.contains(".tmp-")),
        "claim or temporary output left behind: " + Arrays.toString(dir.toFile().list()));
  }

  @Test
  void aHeldClaimRefusesASecondWriterAndAStaleOneIsTakenOver() throws IOException {
    String target = dir.resolve("out").toString();
    try (ClaimedOutput first = ClaimedOutput.claim(SparkTestSession.get(), target, false)) {
      UsageException second = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
          () -> ClaimedOutput.claim(SparkTestSession.get(), target, true));
      assertTrue(second.getMessage().contains(target) && second.getMessage().contains("another run"),
          second.getMessage());
    }
    // A run killed with -9 leaves its claim (pid of a process that no longer exists) and its temporary output.
    Process gone = new ProcessBuilder("true").start();
    try {
      gone.waitFor();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    Files.writeString(dir.resolve(".out.claim"), gone.pid() + "@" + java.net.InetAddress.getLocalHost().getHostName()
        + " since 2026-01-01T00:00:00Z");
    Files.createDirectories(dir.resolve(".out.tmp-1234"));
    try (ClaimedOutput taken = ClaimedOutput.claim(SparkTestSession.get(), target, false)) {
      assertFalse(Files.exists(dir.resolve(".out.tmp-1234")), "stale temporary output removed");
    }
    assertFalse(Files.exists(dir.resolve(".out.claim")), "claim released");
  }

  @Test
  void anUnwritableModelLocationFailsBeforeTraining() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    String model = file.resolve("model").toString();
    long start = System.nanoTime();
    Run r = run(quickTrain(DIABETES, model));
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains(model), r.err());
    assertTrue(System.nanoTime() - start < 20e9, "should fail before training");
  }

  /**
   * A scheme Hadoop knows but whose client jars are missing (as s3a:// without hadoop-aws) fails inside Hadoop's
   * Configuration with an unchecked exception: one line naming the path and what to add, exit 3, no stack trace,
   * for a model location and for a checkpoint directory (whose fit leaves no model behind).
   */
  @Test
  void pathsWithoutTheirFileSystemClientGetOneLine() {
    SparkTestSession.get().sparkContext().hadoopConfiguration()
        .set("fs.noclient.impl", "org.sparkbnn.jobs.NoSuchFileSystem");
    String model = "noclient://bucket/model";
    Run r = run(quickTrain(DIABETES, model));
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains("cannot write output '" + model + "': no client for noclient:// paths"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());

    String local = dir.resolve("model").toString();
    String[] train = quickTrain(DIABETES, local);
    String[] withCheckpoints = Arrays.copyOf(train, train.length + 2);
    withCheckpoints[train.length] = "--param";
    withCheckpoints[train.length + 1] = "checkpointDir=noclient://bucket/checkpoints";
    r = run(withCheckpoints);
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains("cannot read checkpoint noclient://bucket/checkpoints/"), r.err());
    assertTrue(r.err().contains("no client for noclient:// paths"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    assertFalse(Files.exists(Path.of(local)), "no model left behind");
  }

  @Test
  void predictWithOnlySomeVarianceColumnsWritesTheRightValues() throws IOException {
    String model = dir.resolve("m").toString();
    assertEquals(0, BnnCli.run(quickTrain(DIABETES, model)));
    String all = dir.resolve("all.parquet").toString();
    String some = dir.resolve("some.parquet").toString();
    assertEquals(0, BnnCli.run(new String[] {"predict", "--model", model, "--input", DIABETES, "--output", all,
        "--param", "epistemicVarianceCol=epi", "--param", "aleatoricVarianceCol=ale"}));
    assertEquals(0, BnnCli.run(new String[] {"predict", "--model", model, "--input", DIABETES, "--output", some,
        "--param", "varianceCol=", "--param", "epistemicVarianceCol=epi", "--param", "aleatoricVarianceCol=ale"}));
    List<Row> a = SparkTestSession.get().read().parquet(all).select("epi", "ale", "variance").collectAsList();
    List<Row> s = SparkTestSession.get().read().parquet(some).select("epi", "ale").collectAsList();
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).getDouble(0), s.get(i).getDouble(0), 0.0, "epistemic, row " + i);
      assertEquals(a.get(i).getDouble(1), s.get(i).getDouble(1), 0.0, "aleatoric, row " + i);
      assertTrue(s.get(i).getDouble(0) < a.get(i).getDouble(2), "epistemic is a part of the variance");
    }
  }

  @Test
  void featuresThatAreNotWhatTheUserMeant() throws IOException {
    Run label = run("train", "--input", DIABETES, "--label", "progression", "--features", "bmi,progression",
        "--model", dir.resolve("m").toString());
    assertEquals(3, label.code());
    assertTrue(label.err().contains("label column 'progression'"), label.err());
    // A column named twice (in any capitalisation, as Spark resolves names) would be two features of one value.
    Run twice = run("train", "--input", DIABETES, "--label", "progression", "--features", "bmi,age,BMI",
        "--model", dir.resolve("m").toString());
    assertEquals(3, twice.code(), twice.err());
    assertTrue(twice.err().contains("error: --features names column 'BMI' twice"), twice.err());
    // One text cell in 'bp' (data row 5) makes the whole CSV column a string: say so, naming the row.
    Run dropped = run(quickTrain(diabetesWith("text.csv", 5, 3, "n/a"), dir.resolve("m2").toString()));
    assertEquals(0, dropped.code(), dropped.err());
    assertTrue(dropped.err().contains("column 'bp' is left out of the features") && dropped.err().contains("row 5")
        && dropped.err().contains("'n/a'"), dropped.err());
    // Row numbers under an empty header (pandas' to_csv, R's write.csv) are no feature unless asked for.
    List<String> numbered = new ArrayList<>();
    for (int i = 0; i < diabetes().size(); i++) {
      numbered.add((i == 0 ? "" : String.valueOf(i - 1)) + "," + diabetes().get(i));
    }
    String model = dir.resolve("m3").toString();
    Run unnamed = run(quickTrain(Files.write(dir.resolve("numbered.csv"), numbered).toString(), model));
    assertEquals(0, unnamed.code(), unnamed.err());
    assertTrue(unnamed.err().contains("column 1 has no name in the header (Spark calls it '_c0')"), unnamed.err());
    assertEquals(Arrays.asList("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"),
        Arrays.asList(SavedPipeline.load(model).featureColumns));
  }

  /**
   * evaluate and compare-classifiers check every row before their splits, so a bad cell is named by its row in the
   * file (a fit sees only its split's rows); with handleInvalid=skip the row is dropped and the splits are of the
   * others.
   */
  @Test
  void jobsThatSplitNameAnEmptyCellByItsRowInTheFile() throws IOException {
    String[] quick = {"--splits", "1", "--param", "maxEpochs=2", "--param", "hiddenLayers=4", "--param",
        "ensembleSize=1", "--param", "likelihood=homoscedastic", "--param", "lengthDoublings=0"};
    Run label = run(concat(new String[] {"evaluate", "--input", diabetesWith("nolabel.csv", 7, 10, ""), "--label",
        "progression"}, quick));
    assertEquals(3, label.code(), label.err());
    assertTrue(label.err().contains("label column 'progression' is empty, NaN or infinite in row 7"), label.err());
    Run feature = run(concat(new String[] {"evaluate", "--input", diabetesWith("nobmi.csv", 9, 2, ""), "--label",
        "progression"}, quick));
    assertEquals(3, feature.code(), feature.err());
    assertTrue(feature.err().contains("feature column 'bmi' is empty, NaN or infinite in row 9"), feature.err());
    Run skipped = run(concat(new String[] {"evaluate", "--input", diabetesWith("skip.csv", 9, 2, ""), "--label",
        "progression", "--param", "handleInvalid=skip"}, quick));
    assertEquals(0, skipped.code(), skipped.err());
    assertTrue(skipped.err().contains("dropped 1 rows"), skipped.err());
    // compare-classifiers splits too: a row without a class (column 'sex', 1 or 2) is named the same way.
    Run noClass = run("compare-classifiers", "--input", diabetesWith("nosex.csv", 11, 1, ""), "--label", "sex",
        "--splits", "1", "--param", "maxEpochs=2", "--param", "hiddenLayers=4", "--mlp-max-iter", "2");
    assertEquals(3, noClass.code(), noClass.err());
    assertTrue(noClass.err().contains("label column 'sex' is empty in row 11"), noClass.err());
  }

  private static String[] concat(String[] a, String[] b) {
    return java.util.stream.Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
  }

  @Test
  void classifierLabelsAreNamedOrSkippedAndPredictNeverNeedsThem() throws IOException {
    Path csv = dir.resolve("classes.csv");
    StringBuilder sb = new StringBuilder("x1,x2,kind\n");
    java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
    String[] kinds = {"ash", "birch"};
    for (int i = 0; i < 120; i++) {
      int c = rng.nextInt(2);
      sb.append(c + 0.3 * rng.nextGaussian()).append(',').append(0.3 * rng.nextGaussian()).append(',')
          .append(i == 9 ? "" : kinds[c]).append('\n');
    }
    Files.writeString(csv, sb.toString());
    String model = dir.resolve("c").toString();
    String[] train = {"train", "--task", "classification", "--input", csv.toString(), "--label", "kind", "--model",
        model, "--param", "maxEpochs=3", "--param", "hiddenLayers=4"};
    Run empty = run(train);
    assertEquals(3, empty.code(), empty.err());
    assertTrue(empty.err().contains("label column 'kind' is empty in row 10"), empty.err());
    String[] skip = Arrays.copyOf(train, train.length + 2);
    skip[train.length] = "--param";
    skip[train.length + 1] = "handleInvalid=skip";
    assertEquals(0, BnnCli.run(skip));
    // At prediction time the label column may hold a value never seen in training, or be absent.
    Path unseen = dir.resolve("unseen.csv");
    Files.writeString(unseen, Files.readString(csv).replace(",ash\n", ",oak\n"));
    assertEquals(0, BnnCli.run(new String[] {"predict", "--model", model, "--input", unseen.toString(), "--output",
        dir.resolve("p.parquet").toString()}));
    // One class only: named by the user's label column, not the job's index column.
    Path single = Files.writeString(dir.resolve("single.csv"), Files.readString(csv).replace(",birch\n", ",ash\n")
        .replace(",\n", ",ash\n"));
    String[] one = train.clone();
    one[4] = single.toString();
    one[8] = dir.resolve("one").toString();
    Run singleClass = run(one);
    assertEquals(3, singleClass.code(), singleClass.err());
    assertTrue(singleClass.err().contains("label column 'kind' holds a single class ('ash')"), singleClass.err());
    // compare-classifiers checks its classes the same way (it named its own index column, 'label', before).
    Run compareSingle = run("compare-classifiers", "--input", single.toString(), "--label", "kind", "--splits", "1");
    assertEquals(3, compareSingle.code(), compareSingle.err());
    assertTrue(compareSingle.err().contains("label column 'kind' holds a single class ('ash')"), compareSingle.err());
    // A label with a class for nearly every row (an identifier given as the label) trains, with a warning.
    StringBuilder ids = new StringBuilder("x1,x2,kind\n");
    for (int i = 0; i < 30; i++) ids.append(i).append(',').append(i % 3).append(",id").append(i * 2 / 3).append('\n');
    one[4] = Files.writeString(dir.resolve("ids.csv"), ids.toString()).toString();
    one[8] = dir.resolve("ids").toString();
    Run identifier = run(one);
    assertEquals(0, identifier.code(), identifier.err());
    assertTrue(identifier.err().contains("label column 'kind' has 20 classes in 30 rows"), identifier.err());
  }

  @Test
  void thinAndMalformedInputsGetOneClearLine() throws IOException {
    String model = dir.resolve("m").toString();
    Path headerOnly = Files.writeString(dir.resolve("header.csv"), diabetes().get(0) + "\n");
    Run r = run(quickTrain(headerOnly.toString(), model));
    assertEquals(3, r.code());
    assertTrue(r.err().contains("has no rows"), r.err());
    r = run(quickTrain(Files.writeString(dir.resolve("zero.csv"), "").toString(), model));
    assertEquals(3, r.code());
    assertTrue(r.err().contains("has no rows"), r.err());
    Path csvAsParquet = Files.copy(Path.of(DIABETES), dir.resolve("data.parquet"));
    r = run(quickTrain(csvAsParquet.toString(), model));
    assertEquals(3, r.code());
    assertTrue(r.err().contains("is not a Parquet file"), r.err());
    // A directory of CSV files not named *.csv is read as Parquet too: its files fail in Spark's read job.
    Path csvDirectory = Files.createDirectory(dir.resolve("csv-files"));
    Files.copy(Path.of(DIABETES), csvDirectory.resolve("part-1.csv"));
    r = run(quickTrain(csvDirectory.toString(), model));
    assertEquals(3, r.code());
    List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), r.err());
    assertTrue(errors.get(0).contains("is not a Parquet file") && errors.get(0).contains("directory *.csv"), r.err());
    r = run(quickTrain(Files.createDirectory(dir.resolve("empty")).toString(), model));
    assertEquals(3, r.code());
    assertTrue(r.err().contains("no data files"), r.err());
    r = run("evaluate", "--input", Files.write(dir.resolve("tiny.csv"), diabetes().subList(0, 8)).toString(),
        "--label", "progression");
    assertEquals(3, r.code());
    assertTrue(r.err().contains("at least 20 rows"), r.err());
    assertEquals(2, run("benchmark", "--rows", "0").code());
    assertFalse(new File(model).exists(), "no model from a failed run");
  }

  @Test
  void badValuesAndOptionsHaveTheirExitCodes() throws IOException {
    String model = dir.resolve("m").toString();
    Run nan = run(quickTrain(diabetesWith("nan.csv", 4, 2, ""), model));
    assertEquals(3, nan.code());
    assertTrue(nan.err().contains("column 'bmi'") && nan.err().contains("in row 4 (1-based"), nan.err());
    assertEquals(3, run("train", "--input", DIABETES, "--label", "progression", "--model", model, "--param",
        "batchSize=0").code(), "invalid Param value: exit 3, as documented");
    assertEquals(3, run("train", "--input", DIABETES, "--label", "progression", "--model", model, "--param",
        "maxEpochs=many").code());
    assertEquals(2, run("train", "--input", DIABETES, "--label", "progression", "--model", model, "--param",
        "maxEpoch=3").code(), "unknown Param name: a usage error");
    assertEquals(0, BnnCli.run(quickTrain(DIABETES, model)));
    Run json = run("predict", "--model", model, "--input", DIABETES, "--output", dir.resolve("o").toString(),
        "--format", "json");
    assertEquals(2, json.code());
    assertTrue(json.err().contains("--format"), json.err());
    // s5 = 3e38 is a valid float32 feature, but standardised (s5's standard deviation is ~0.5) it is beyond float32,
    // so the network's outputs are not numbers. (A feature of 1e31 gives a finite, if astronomically wide,
    // predictive: the moments are accumulated in float64.)
    Run far = run("predict", "--model", model, "--input", diabetesWith("far.csv", 2, 8, "3e38"), "--output",
        dir.resolve("far.parquet").toString());
    assertEquals(3, far.code(), far.err());
    assertTrue(far.err().contains("not finite") && far.err().contains("in row 2 (1-based"), far.err());
    assertFalse(new File(dir.resolve("far.parquet").toString()).exists(), "no output with a non-finite value");
    // 1e39 is a finite double but no float32: refused before scoring, saying so.
    Run beyond = run("predict", "--model", model, "--input", diabetesWith("beyond.csv", 2, 8, "1e39"), "--output",
        dir.resolve("beyond.parquet").toString());
    assertEquals(3, beyond.code(), beyond.err());
    assertTrue(beyond.err().contains("column 's5'") && beyond.err().contains("beyond the float32 range")
        && beyond.err().contains("in row 2 (1-based"), beyond.err());
    // A text cell in a feature column makes the column text: named with its row, as in training.
    Run text = run("predict", "--model", model, "--input", diabetesWith("text.csv", 7, 2, "abc"), "--output",
        dir.resolve("text.parquet").toString());
    assertEquals(3, text.code(), text.err());
    assertTrue(text.err().contains("feature column 'bmi' must be numeric") && text.err().contains("row 7")
        && text.err().contains("'abc'"), text.err());
  }

  /**
   * A saved model whose files were damaged (its metadata file overwritten, so Hadoop's checksum no longer matches; a
   * stage's data replaced by text): one line naming the path and what is wrong, exit 3. Spark's message for the
   * failed read job carries the task's stack trace; the line keeps only the cause's own message.
   */
  @Test
  void aDamagedSavedModelGetsOneLineNamingIt() throws IOException {
    Path model = dir.resolve("m");
    assertEquals(0, BnnCli.run(quickTrain(DIABETES, model.toString())));
    Path checksummed = dir.resolve("checksummed");
    copyTree(model, checksummed);
    // Spark 3.5 writes metadata/part-00000, Spark 4 metadata/part-00000-<id>.txt: damage whichever is there.
    try (var metadata = Files.list(checksummed.resolve("metadata"))) {
      for (Path p : metadata.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        Files.writeString(p, "damaged");
      }
    }
    Path noParquet = dir.resolve("no-parquet");
    copyTree(model, noParquet);
    try (var stageData = Files.walk(noParquet.resolve("stages"))) {
      for (Path p : stageData.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) {
        Files.delete(p);
        Files.writeString(p, "not parquet");
        Files.deleteIfExists(p.resolveSibling("." + p.getFileName() + ".crc"));
      }
    }
    for (Path damaged : List.of(checksummed, noParquet)) {
      Run r = run("predict", "--model", damaged.toString(), "--input", DIABETES, "--output",
          dir.resolve(damaged.getFileName() + "-out.csv").toString());
      assertEquals(3, r.code(), r.err());
      List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
      assertEquals(1, errors.size(), r.err());
      assertTrue(errors.get(0).contains("cannot load") && errors.get(0).contains(damaged.toString()), r.err());
      assertFalse(r.err().lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Driver stacktrace")),
          "no stack trace: " + r.err());
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) Files.copy(p, to.resolve(from.relativize(p).toString()));
    }
  }

  /**
   * A gzipped CSV export is read as CSV (Spark undoes the compression); an input that lacks a feature column the
   * model was trained on, and an integer Param too large for its type, are named as what they are.
   */
  @Test
  void compressedCsvMissingFeaturesAndOversizedIntegers() throws IOException {
    Path gz = dir.resolve("diabetes().csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(Path.of(DIABETES), out);
    }
    String model = dir.resolve("from-gzip").toString();
    Run trained = run(quickTrain(gz.toString(), model));
    assertEquals(0, trained.code(), trained.err());

    // s6 is the tenth column (index 9) of diabetes().csv.
    List<String> withoutS6 = new ArrayList<>();
    for (String line : diabetes()) {
      List<String> cells = new ArrayList<>(Arrays.asList(line.split(",", -1)));
      cells.remove(9);
      withoutS6.add(String.join(",", cells));
    }
    assertEquals("age,sex,bmi,bp,s1,s2,s3,s4,s5,progression", withoutS6.get(0));
    Path input = Files.write(dir.resolve("without-s6.csv"), withoutS6);
    Run missing = run("predict", "--model", model, "--input", input.toString(), "--output",
        dir.resolve("scored.parquet").toString());
    assertEquals(3, missing.code(), missing.err());
    assertTrue(missing.err().contains("lacks the feature column(s) [s6]"), missing.err());

    Run huge = run("train", "--input", DIABETES, "--label", "progression", "--model", dir.resolve("m").toString(),
        "--param", "maxEpochs=99999999999");
    assertEquals(3, huge.code(), huge.err());
    assertTrue(huge.err().contains("maxEpochs=99999999999: not an integer from"), huge.err());
  }

  @Test
  void usageAndInputErrorsHaveDistinctExitCodes() {
    SparkTestSession.get();
    assertEquals(2, BnnCli.run(new String[] {"train", "--input", DIABETES, "--model", dir.resolve("m").toString()}),
        "missing --label");
    assertEquals(3, BnnCli.run(new String[] {"train", "--input", DIABETES, "--label", "progression", "--model",
        dir.resolve("m").toString(), "--param", "batchSize=0"}), "invalid param value");
    assertEquals(2, BnnCli.run(new String[] {"frobnicate"}));
    Run fraction = run("compare-classifiers", "--input", DIABETES, "--label", "progression", "--test-fraction", "a");
    assertEquals(2, fraction.code(), "a number option that is not a number");
    assertTrue(fraction.err().contains("option --test-fraction must be a number, got 'a'"), fraction.err());
    assertEquals(2, run("compare-classifiers", "--input", DIABETES, "--label", "progression", "--test-fraction",
        "1").code(), "a fraction outside (0, 1)");
    assertEquals(3, BnnCli.run(new String[] {"train", "--input", DIABETES, "--label", "nope", "--model",
        dir.resolve("m").toString()}), "unknown label column");
    assertEquals(3, BnnCli.run(new String[] {"train", "--input", dir.resolve("missing.csv").toString(), "--label",
        "y", "--model", dir.resolve("m").toString()}), "missing input");
    assertEquals(3, BnnCli.run(new String[] {"predict", "--model", dir.resolve("none").toString(), "--input",
        DIABETES, "--output", dir.resolve("o").toString()}), "missing model");
    assertFalse(new File(dir.resolve("m").toString()).exists(), "a failed train must leave no model behind");
  }

  /**
   * A Parquet input with a vector column scored into CSV, which has no vector type: the model's per-class vectors
   * become columns of their own, but an input's vector cannot; it fails naming the column instead of being dropped.
   */
  @Test
  void aVectorInputColumnBoundForCsvIsNamed() {
    String model = dir.resolve("m").toString();
    assertEquals(0, run(quickTrain(DIABETES, model)).code());
    String parquet = dir.resolve("with-vector.parquet").toString();
    SparkTestSession.get().read().option("header", "true").option("inferSchema", "true").csv(DIABETES)
        .withColumn("embedding", org.apache.spark.ml.functions.array_to_vector(
            org.apache.spark.sql.functions.array(org.apache.spark.sql.functions.col("age"))))
        .write().parquet(parquet);
    String out = dir.resolve("scored.csv").toString();
    Run r = run("predict", "--model", model, "--input", parquet, "--output", out);
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains("input column 'embedding' holds vectors, which a CSV output cannot"), r.err());
    assertFalse(new File(out).exists(), "nothing written");
    assertEquals(0, run("predict", "--model", model, "--input", parquet, "--output",
        dir.resolve("scored.parquet").toString()).code(), "Parquet holds it");
  }
}
