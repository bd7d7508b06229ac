package org.sparkbnn.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkbnn.jobs.CliRuns.DIABETES;
import static org.sparkbnn.jobs.CliRuns.diabetes;
import static org.sparkbnn.jobs.CliRuns.quickTrain;
import static org.sparkbnn.jobs.CliRuns.run;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.jobs.CliRuns.Run;

/**
 * How the jobs read a CSV input that is not what Spark alone would read right: a directory whose files' headers
 * differ, names with dots or repeated, markers of missing values.
 */
class CsvInputTest {
  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    SparkTestSession.get();
  }

  /**
   * A directory of CSV exports whose second file lists the same columns in another order: Spark would read that
   * file's values into the first file's columns. Refused, naming both files and their headers; the same files with
   * one header (the second gzipped) train.
   */
  @Test
  void csvFilesWithDifferentHeadersAreRefused() throws IOException {
    Path exports = Files.createDirectory(dir.resolve("exports.csv"));
    int half = diabetes().size() / 2;
    Files.write(exports.resolve("day-1.csv"), diabetes().subList(0, half));
    List<String> reordered = new ArrayList<>();
    for (String line : diabetes().subList(half, diabetes().size())) {
      List<String> cells = new ArrayList<>(Arrays.asList(line.split(",", -1)));
      cells.add(0, cells.remove(cells.size() - 1));
      reordered.add(String.join(",", cells));
    }
    String header = diabetes().get(0);
    List<String> reorderedHeader = new ArrayList<>(Arrays.asList(header.split(",", -1)));
    reorderedHeader.add(0, reorderedHeader.remove(reorderedHeader.size() - 1));
    reordered.add(0, String.join(",", reorderedHeader));
    Files.write(exports.resolve("day-2.csv"), reordered);
    String model = dir.resolve("m").toString();
    Run r = run(quickTrain(exports.toString(), model));
    assertEquals(3, r.code(), r.err());
    List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), r.err());
    assertTrue(errors.get(0).contains("do not share one header") && errors.get(0).contains("'day-1.csv'")
        && errors.get(0).contains("'day-2.csv' with '" + String.join(",", reorderedHeader) + "'"), r.err());
    assertFalse(new File(model).exists(), "no model from a refused input");

    Files.delete(exports.resolve("day-2.csv"));
    try (var gz = new java.io.PrintWriter(new java.io.OutputStreamWriter(
        new GZIPOutputStream(Files.newOutputStream(exports.resolve("day-2.csv.gz"))), StandardCharsets.UTF_8))) {
      gz.println(header);
      diabetes().subList(half, diabetes().size()).forEach(gz::println);
    }
    Run oneHeader = run(quickTrain(exports.toString(), model));
    assertEquals(0, oneHeader.code(), oneHeader.err());
  }

  /**
   * A scheduled job names its day's exports by a Hadoop glob ({@code exports/day-*.csv}), as Spark's readers allow:
   * the jobs read what it matches (every row of both files, not the notes beside them), check those files' headers
   * as a directory's, and say so when it matches nothing (exit 3) or when a file it matches is not what its name says.
   */
  @Test
  void aGlobInputReadsTheFilesItMatches() throws IOException {
    Path exports = Files.createDirectory(dir.resolve("exports"));
    int half = diabetes().size() / 2;
    Files.write(exports.resolve("day-1.csv"), diabetes().subList(0, half));
    List<String> second = new ArrayList<>(diabetes().subList(half, diabetes().size()));
    second.add(0, diabetes().get(0));
    Files.write(exports.resolve("day-2.csv"), second);
    Files.writeString(exports.resolve("notes.txt"), "not data\n");
    String glob = exports + "/day-*.csv";
    assertEquals(diabetes().size() - 1, DataIO.read(SparkTestSession.get(), glob).count());
    Run trained = run(quickTrain(glob, dir.resolve("glob-model").toString()));
    assertEquals(0, trained.code(), trained.err());

    Run none = run(quickTrain(exports + "/week-*.csv", dir.resolve("none-model").toString()));
    assertEquals(3, none.code(), none.err());
    assertTrue(none.err().contains("error: input '" + exports + "/week-*.csv' matches no file"), none.err());

    List<String> reordered = new ArrayList<>(second);
    reordered.set(0, "x" + reordered.get(0));
    Files.write(exports.resolve("day-3.csv"), reordered);
    BadInputException differs = assertThrows(BadInputException.class, () -> DataIO.read(SparkTestSession.get(), glob));
    assertTrue(differs.getMessage().contains("do not share one header"), differs.getMessage());
    BadInputException notParquet = assertThrows(BadInputException.class,
        () -> DataIO.read(SparkTestSession.get(), exports + "/day-[12].*"));
    assertTrue(notParquet.getMessage().contains("day-1.csv, which input '" + exports + "/day-[12].*' matches, is not a"
        + " Parquet file"), notParquet.getMessage());
  }

  /**
   * The jobs assemble the features into a vector column named 'features'; an input with a column of that name (a
   * count of a product's features, say) trains with it as a feature and keeps it in predict's output, the vector
   * taking the next free name; a model saved with 'features' scores such an input too, keeping the column.
   */
  @Test
  void anInputColumnNamedFeaturesIsAFeatureAndIsKept() throws IOException {
    List<String> lines = new ArrayList<>(diabetes());
    lines.set(0, lines.get(0).replace("s6", "features"));
    Path input = Files.write(dir.resolve("named-features.csv"), lines);
    String model = dir.resolve("named-features-model").toString();
    Run trained = run(quickTrain(input.toString(), model));
    assertEquals(0, trained.code(), trained.err());
    assertTrue(Arrays.asList(SavedPipeline.load(model).featureColumns).contains("features"), trained.err());
    String out = dir.resolve("named-features-scored.parquet").toString();
    Run predicted = run("predict", "--model", model, "--input", input.toString(), "--output", out);
    assertEquals(0, predicted.code(), predicted.err());
    List<org.apache.spark.sql.Row> scored = SparkTestSession.get().read().parquet(out).select("features", "prediction")
        .collectAsList();
    assertEquals(Double.parseDouble(lines.get(1).split(",")[9]), ((Number) scored.get(0).get(0)).doubleValue(), 0.0);

    List<String> extra = new ArrayList<>();
    for (int i = 0; i < diabetes().size(); i++) extra.add(diabetes().get(i) + (i == 0 ? ",features" : ",kept-" + i));
    Path withText = Files.write(dir.resolve("extra-features.csv"), extra);
    String plainModel = dir.resolve("plain-features-model").toString();
    assertEquals(0, run(quickTrain(DIABETES, plainModel)).code());
    String out2 = dir.resolve("extra-scored.parquet").toString();
    Run kept = run("predict", "--model", plainModel, "--input", withText.toString(), "--output", out2);
    assertEquals(0, kept.code(), kept.err());
    assertEquals("kept-1", SparkTestSession.get().read().parquet(out2).select("features").first().getString(0));
  }

  /**
   * A header with a dot ('s.5', as R writes names): Spark ML's VectorAssembler would read it as a struct field and
   * fail with an analysis error; the jobs read it as 's_5' (with a note), in training and in prediction, and take
   * the dotted name in --label and --features. Two headers that would read the same are refused, naming both.
   */
  @Test
  void aColumnNameWithADotIsReadWithAnUnderscore() throws IOException {
    List<String> lines = new ArrayList<>(diabetes());
    lines.set(0, lines.get(0).replace("s5", "s.5").replace("progression", "disease.progression"));
    Path input = Files.write(dir.resolve("dotted.csv"), lines);
    String model = dir.resolve("dotted-model").toString();
    String[] train = quickTrain(input.toString(), model);
    train[4] = "disease.progression";
    Run trained = run(train);
    assertEquals(0, trained.code(), trained.err());
    assertTrue(trained.err().contains("column 's.5' is read as 's_5'"), trained.err());
    String out = dir.resolve("dotted-scored.parquet").toString();
    Run predicted = run("predict", "--model", model, "--input", input.toString(), "--output", out);
    assertEquals(0, predicted.code(), predicted.err());
    List<String> columns = Arrays.asList(SparkTestSession.get().read().parquet(out).columns());
    assertTrue(columns.contains("s_5") && columns.contains("prediction"), columns.toString());

    List<String> withFeatures = new ArrayList<>(Arrays.asList(train));
    withFeatures.set(6, dir.resolve("dotted-features").toString());
    withFeatures.addAll(List.of("--features", "age,s.5"));
    Run chosen = run(withFeatures.toArray(new String[0]));
    assertEquals(0, chosen.code(), chosen.err());

    lines.set(0, lines.get(0).replace("s4", "s_5"));
    Path clash = Files.write(dir.resolve("clash.csv"), lines);
    String clashModel = dir.resolve("clash-model").toString();
    Run refused = run(quickTrain(clash.toString(), clashModel));
    assertEquals(3, refused.code(), refused.err());
    assertTrue(refused.err().contains("columns 's_5' and 's.5' would both be read as 's_5'"), refused.err());
    assertFalse(new File(clashModel).exists(), "no model from a refused run");
  }

  /**
   * A header that names two columns alike (an export that joined two tables): Spark reads them as 'S1' + position
   * (s14, s15), which the note says, naming the columns it trains on; a header without repeats gets no note.
   */
  @Test
  void aRepeatedColumnNameIsNoted() throws IOException {
    List<String> lines = new ArrayList<>(diabetes());
    lines.set(0, lines.get(0).replace("s2", "S1"));
    Path input = Files.write(dir.resolve("repeated.csv"), lines);
    Run trained = run(quickTrain(input.toString(), dir.resolve("repeated-model").toString()));
    assertEquals(0, trained.code(), trained.err());
    assertTrue(trained.err().contains("note: the header of input '" + input + "' repeats the column name(s) [s1]"),
        trained.err());
    assertTrue(trained.err().contains("s14, S15"), "the columns as Spark names them: " + trained.err());
    Run plain = run(quickTrain(DIABETES, dir.resolve("plain-model").toString()));
    assertFalse(plain.err().contains("repeats the column name"), plain.err());
  }

  /**
   * UCI's files mark a missing value with '?' (R's exports with NA), which makes Spark read the column as text: the
   * warning says how to read it as missing, and with --null-value the column is numeric and handleInvalid decides
   * (an error naming the row by default; skip drops those rows and keeps the column, and so does the model when it
   * scores, with a warning). A 'nan' among numbers is named the same way. A column of words gets no such hint, and
   * --null-value with a Parquet input is a usage error.
   */
  @Test
  void aMissingValueMarkerIsReadAsMissingWithNullValue() throws IOException {
    List<String> lines = new ArrayList<>(diabetes());
    for (int row : new int[] {7, 30}) {
      String[] cells = lines.get(row).split(",", -1);
      cells[2] = "?";
      lines.set(row, String.join(",", cells));
    }
    String input = Files.write(dir.resolve("marked.csv"), lines).toString();
    String hint = "(if '?' marks a missing value, pass --null-value '?'; --param handleInvalid=skip then drops those"
        + " rows)";
    Run unread = run(quickTrain(input, dir.resolve("m1").toString()));
    assertEquals(0, unread.code(), unread.err());
    assertTrue(unread.err().contains("column 'bmi' is left out of the features") && unread.err().contains("row 7")
        && unread.err().contains(hint), unread.err());

    List<String> marked = new ArrayList<>(Arrays.asList(quickTrain(input, dir.resolve("m2").toString())));
    marked.addAll(List.of("--null-value", "?"));
    Run error = run(marked.toArray(new String[0]));
    assertEquals(3, error.code(), error.err());
    assertTrue(error.err().contains("column 'bmi'") && error.err().contains("is missing or NaN in row 7"),
        error.err());

    marked.addAll(List.of("--param", "handleInvalid=skip"));
    marked.set(6, dir.resolve("m3").toString());
    Run skipped = run(marked.toArray(new String[0]));
    assertEquals(0, skipped.code(), skipped.err());
    assertTrue(Arrays.asList(SavedPipeline.load(dir.resolve("m3").toString()).featureColumns).contains("bmi"));
    // The model keeps handleInvalid=skip: scoring drops the two rows too, and says so.
    String scored = dir.resolve("scored.parquet").toString();
    Run predicted = run("predict", "--model", dir.resolve("m3").toString(), "--input", input, "--output", scored,
        "--null-value", "?");
    assertEquals(0, predicted.code(), predicted.err());
    assertEquals(diabetes().size() - 3, SparkTestSession.get().read().parquet(scored).count());
    assertTrue(predicted.err().contains("warning: 2 input row(s) were dropped, not scored"), predicted.err());

    List<String> worded = new ArrayList<>(diabetes());
    for (int row = 1; row < worded.size(); row++) {
      String[] cells = worded.get(row).split(",", -1);
      cells[1] = cells[1].equals("1") ? "F" : "M";
      worded.set(row, String.join(",", cells));
    }
    Run words = run(quickTrain(Files.write(dir.resolve("worded.csv"), worded).toString(),
        dir.resolve("m4").toString()));
    assertEquals(0, words.code(), words.err());
    // A column of words is a category (CategoricalFeaturesTest), with no hint of a missing-value marker.
    assertTrue(words.err().contains("text column 'sex' is one-hot encoded") && !words.err().contains("--null-value"),
        words.err());

    // numpy's savetxt writes a missing value as 'nan', which Spark's CSV reader does not read as a number (only
    // 'NaN') but its cast does: the column is text, and the warning names the cell as it names a '?'.
    lines.set(7, lines.get(7).replace(",?,", ",nan,"));
    lines.set(30, lines.get(30).replace(",?,", ",1.5,"));
    Run nan = run(quickTrain(Files.write(dir.resolve("nan.csv"), lines).toString(), dir.resolve("m6").toString()));
    assertEquals(0, nan.code(), nan.err());
    assertTrue(nan.err().contains("column 'bmi' is left out of the features") && nan.err().contains("row 7 (1-based,"
        + " header not counted) holds 'nan' (if 'nan' marks a missing value, pass --null-value 'nan'"), nan.err());

    String parquet = dir.resolve("rows.parquet").toString();
    SparkTestSession.get().read().option("header", "true").option("inferSchema", "true").csv(DIABETES)
        .write().parquet(parquet);
    Run usage = run("train", "--input", parquet, "--label", "progression", "--model", dir.resolve("m5").toString(),
        "--null-value", "?");
    assertEquals(2, usage.code(), usage.err());
    assertTrue(usage.err().contains("--null-value applies to CSV inputs"), usage.err());
  }
}
