package org.sparkbnn.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkbnn.jobs.CliRuns.diabetes;
import static org.sparkbnn.jobs.CliRuns.quickTrain;
import static org.sparkbnn.jobs.CliRuns.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.ml.BayesByBackpropModel;
import org.sparkbnn.ml.BayesByBackpropRegressionModel;
import org.sparkbnn.ml.BayesByBackpropRegressor;
import org.sparkbnn.jobs.CliRuns.Run;

/**
 * Text feature columns of a few distinct values are one-hot encoded by the jobs (FeatureColumns), the encoding
 * saved with the model; identifiers and numbers with stray text are not.
 */
class CategoricalFeaturesTest {
  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    SparkTestSession.get();
  }

  /**
   * The bundled diabetes set's 'sex' (1 or 2) written as F and M is encoded as the indicators of F, M and of a
   * value the fit did not see (StringIndexer and OneHotEncoder with handleInvalid=keep), which the stage leaves 0 or 1
   * (Standardization: a column of two values): the model is the stage fitted on those three 0/1 columns written as
   * numbers in its place, bit for bit (the same feature vectors and standardisation, so the same held-out rows and
   * steps); written as 2 for on and -1 for off they give the same model as 0 and 1. An unseen value ('X') and an empty
   * cell score as the third indicator, in that model as here; predict warns of the unseen value.
   */
  @Test
  void aTextColumnIsItsCategoriesIndicators() throws IOException {
    String words = withSex("words.csv", "sex", (row, sex) -> sex.equals("1") ? "F" : "M");
    String indicators = withSex("indicators.csv", INDICATORS, (row, sex) -> sex.equals("1") ? "1,0,0" : "0,1,0");
    String recoded = withSex("recoded.csv", INDICATORS, (row, sex) -> sex.equals("1") ? "2,-1,-1" : "-1,2,-1");
    String textModel = dir.resolve("text").toString();
    Run text = run(quickTrain(words, textModel));
    assertEquals(0, text.code(), text.err());
    assertTrue(text.err().contains("note: text column 'sex' is one-hot encoded as a feature"), text.err());

    SavedPipeline saved = SavedPipeline.load(textModel);
    assertEquals(List.of("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"),
        Arrays.asList(saved.featureColumns));
    assertEquals(List.of("sex"), Arrays.asList(saved.features.text));
    // quickTrain's Params.
    BayesByBackpropRegressor stage = new BayesByBackpropRegressor().setMaxEpochs(3).setHiddenLayers(8)
        .setFeaturesCol("features").setLabelCol("progression");
    BayesByBackpropRegressionModel numeric = stage.fit(assembled(indicators));
    String digest = ((BayesByBackpropModel) saved.bnn).parameterDigest();
    assertEquals(numeric.parameterDigest(), digest);
    // Written otherwise, the rows hash differently, and so does the choice of held-out rows: none are held out here.
    BayesByBackpropRegressor allRows = stage.copy(new ParamMap()).setCalibrationFraction(0.0);
    assertEquals(allRows.fit(assembled(indicators)).parameterDigest(),
        allRows.fit(assembled(recoded)).parameterDigest());

    // Row 3 holds a value the fit did not see, row 4 none: both the third indicator.
    String unseen = withSex("unseen.csv", "sex", (row, sex) -> row == 3 ? "X" : row == 4 ? ""
        : sex.equals("1") ? "F" : "M");
    String unseenIndicators = withSex("unseen-indicators.csv", INDICATORS, (row, sex) -> row == 3 || row == 4
        ? "0,0,1" : sex.equals("1") ? "1,0,0" : "0,1,0");
    Run warned = run("predict", "--model", textModel, "--input", unseen, "--output",
        dir.resolve("warned.parquet").toString());
    assertEquals(0, warned.code(), warned.err());
    assertTrue(warned.err().contains("warning: column 'sex': 1 row(s) hold a value the model was not trained on"
        + " (e.g. 'X'; it knows F, M): they score as none of its categories"), warned.err());
    List<Row> fromText = predict(textModel, unseen, "p1");
    List<Row> fromNumbers = numeric.transform(assembled(unseenIndicators)).select("prediction", "variance")
        .collectAsList();
    assertEquals(diabetes().size() - 1, fromText.size());
    for (int i = 0; i < fromText.size(); i++) {
      assertEquals(fromNumbers.get(i).getDouble(0), fromText.get(i).getDouble(0), 0.0, "row " + (i + 1));
      assertEquals(fromNumbers.get(i).getDouble(1), fromText.get(i).getDouble(1), 0.0, "row " + (i + 1));
    }
  }

  /** A CSV written by {@link #withSex} with {@link #INDICATORS}, its columns but the label assembled as "features". */
  private static Dataset<Row> assembled(String csv) {
    Dataset<Row> rows = SparkTestSession.get().read().option("header", "true").option("inferSchema", "true")
        .csv(csv);
    String[] inputs = Arrays.stream(rows.columns()).filter(c -> !c.equals("progression")).toArray(String[]::new);
    return new VectorAssembler().setInputCols(inputs).setOutputCol("features").transform(rows);
  }

  /**
   * A column of true and false (a CSV's, read as boolean, or Parquet's) is a feature, read as 1 and 0: the model is
   * the one fitted on the same column written as 1 and 0, bit for bit, and predict scores the rows alike.
   */
  @Test
  void aBooleanColumnIsOneAndZero() throws IOException {
    String booleans = withSex("booleans.csv", "sex", (row, sex) -> sex.equals("2") ? "true" : "false");
    String numbers = withSex("numbers.csv", "sex", (row, sex) -> sex.equals("2") ? "1" : "0");
    String booleanModel = dir.resolve("b").toString();
    String numberModel = dir.resolve("n").toString();
    Run trained = run(quickTrain(booleans, booleanModel));
    assertEquals(0, trained.code(), trained.err());
    assertEquals(0, run(quickTrain(numbers, numberModel)).code());
    assertEquals(List.of("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"),
        Arrays.asList(SavedPipeline.load(booleanModel).featureColumns));
    assertEquals(((BayesByBackpropModel) SavedPipeline.load(numberModel).bnn).parameterDigest(),
        ((BayesByBackpropModel) SavedPipeline.load(booleanModel).bnn).parameterDigest());
    assertEquals(predict(numberModel, numbers, "pn"), predict(booleanModel, booleans, "pb"));
  }

  /**
   * Which text columns are features: an identifier (a value of its own in every row) is left out, saying why, and
   * refused when --features asks for it. The jobs that split the rows themselves (evaluate, compare-classifiers)
   * encode the same way; an update from an initial model keeps its categories (a value it did not see is the
   * unseen indicator, so the network's inputs keep their meaning) and refuses a fit whose text columns differ.
   */
  @Test
  void identifiersAreLeftOutAndEveryJobEncodes() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < diabetes().size(); i++) {
      String region = i == 0 ? "region" : String.valueOf((char) ('A' + i % 3));
      lines.add((i == 0 ? "id" : "p" + i) + "," + region + "," + diabetes().get(i));
    }
    String input = Files.write(dir.resolve("ids.csv"), lines).toString();
    Run train = run(quickTrain(input, dir.resolve("m1").toString()));
    assertEquals(0, train.code(), train.err());
    assertTrue(train.err().contains("column 'id' is left out of the features: it has")
        && train.err().contains("rows, as an identifier would"), train.err());
    assertTrue(train.err().contains("note: text column 'region' is one-hot encoded"), train.err());
    // region's A, B, C and the unseen indicator in place of one column: 11 columns become 14 inputs.
    assertEquals(14, inputs(dir.resolve("m1").toString()));

    Run asked = run("train", "--input", input, "--label", "progression", "--features", "id,bmi", "--model",
        dir.resolve("m2").toString());
    assertEquals(3, asked.code(), asked.err());
    assertTrue(asked.err().contains("feature column 'id' must be numeric or categorical, but it has about")
        && asked.err().contains("more than the 100 a categorical feature may have"), asked.err());

    String[] quick = {"--splits", "1", "--param", "maxEpochs=2", "--param", "hiddenLayers=4"};
    Run evaluate = run(concat(new String[] {"evaluate", "--input", input, "--label", "progression", "--param",
        "ensembleSize=1", "--param", "likelihood=homoscedastic"}, quick));
    assertEquals(0, evaluate.code(), evaluate.err());
    // Spark's MLP beside the classifier is given the encoded width (a wrong one fails its fit).
    Run compare = run(concat(new String[] {"compare-classifiers", "--input", input, "--label", "sex",
        "--mlp-max-iter", "2"}, quick));
    assertEquals(0, compare.code(), compare.err());

    String classifier = dir.resolve("c1").toString();
    assertEquals(0, run(classify(input, classifier)).code());
    lines.set(5, lines.get(5).replace(",C,", ",D,").replace(",B,", ",D,").replace(",A,", ",D,"));
    String newRegion = Files.write(dir.resolve("new-region.csv"), lines).toString();
    String updated = dir.resolve("c2").toString();
    Run update = run(classify(newRegion, updated, "--initial-model", classifier));
    assertEquals(0, update.code(), update.err());
    assertEquals(inputs(classifier), inputs(updated));
    for (int i = 1; i < lines.size(); i++) {
      lines.set(i, lines.get(i).replace(",A,", ",1,").replace(",B,", ",2,").replace(",C,", ",3,")
          .replace(",D,", ",4,"));
    }
    String numbered = Files.write(dir.resolve("numbered.csv"), lines).toString();
    Run renumbered = run(classify(numbered, dir.resolve("c3").toString(), "--initial-model", classifier));
    assertEquals(3, renumbered.code(), renumbered.err());
    assertTrue(renumbered.err().contains("was trained with the text (one-hot encoded) features [region]; this"
        + " fit's are []"), renumbered.err());
  }

  private static String[] classify(String input, String model, String... more) {
    return concat(new String[] {"train", "--task", "classification", "--input", input, "--label", "sex", "--param",
        "maxEpochs=2", "--param", "hiddenLayers=4", "--model", model}, more);
  }

  /** The width of a saved model's feature vector. */
  private static int inputs(String model) {
    return ((org.apache.spark.ml.PredictionModel<?, ?>) SavedPipeline.load(model).bnn).numFeatures();
  }

  private static String[] concat(String[] a, String[] b) {
    return java.util.stream.Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
  }

  private static final String INDICATORS = "sex_F,sex_M,sex_unseen";

  /** prediction and variance of every row, in input order; the output keeps the input's columns and adds no other. */
  private List<Row> predict(String model, String input, String name) {
    String output = dir.resolve(name + ".parquet").toString();
    Run r = run("predict", "--model", model, "--input", input, "--output", output);
    assertEquals(0, r.code(), r.err());
    Dataset<Row> scored = SparkTestSession.get().read().parquet(output);
    List<String> columns = new ArrayList<>(Arrays.asList(
        SparkTestSession.get().read().option("header", "true").csv(input).columns()));
    columns.addAll(List.of("prediction", "variance"));
    assertEquals(columns, Arrays.asList(scored.columns()));
    return scored.select("prediction", "variance").collectAsList();
  }

  /**
   * The diabetes CSV written to {@code name} with its 'sex' column (1 or 2) replaced by the columns {@code header}
   * names, each data row's cells being {@code sex.apply(row, its sex)} (row 1-based).
   */
  private String withSex(String name, String header, BiFunction<Integer, String, String> sex) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < diabetes().size(); i++) {
      List<String> cells = new ArrayList<>(Arrays.asList(diabetes().get(i).split(",", -1)));
      String value = cells.remove(1);
      cells.add(1, i == 0 ? header : sex.apply(i, value));
      lines.add(String.join(",", cells));
    }
    return Files.write(dir.resolve(name), lines).toString();
  }
}
