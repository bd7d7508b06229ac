package org.sparkbnn.jobs;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.input.InvalidRowException;
import org.sparkbnn.ml.BayesByBackpropParams;

/**
 * {@code predict}: scores an input with a model saved by {@code train}; the output keeps every input column and
 * appends the predictive columns (for a classifier: prediction, predictedLabel, per-class probabilities and the
 * uncertainty columns). {@code --param} sets model Params such as predictSamples or
 * epistemicVarianceCol.
 */
final class PredictJob {
  private PredictJob() {}

  static int run(JobArgs args) {
    String modelPath = args.required("model");
    String input = args.required("input");
    String nullValue = args.value("null-value", null);
    String output = args.required("output");
    String format = args.value("format", null);
    boolean overwrite = args.flag("overwrite");
    java.util.Map<String, String> params = args.params();
    args.finish();

    boolean csv = DataIO.isCsv(output, format);
    SparkSession spark = SparkSessions.create("spark-bnn predict");
    long dropped = 0;
    try (ClaimedOutput claimed = ClaimedOutput.claim(spark, output, overwrite)) {
      SavedPipeline model = SavedPipeline.load(modelPath);
      System.out.println("predict: model " + modelPath + ": " + model.provenance());
      StageParams.apply(model.bnn, params);
      java.util.Set<String> fitOnly = ((BayesByBackpropParams) model.bnn).paramSet().fitOnlyNames();
      List<String> ignored = params.keySet().stream().filter(fitOnly::contains).sorted().toList();
      if (!ignored.isEmpty()) {
        System.err.println("note: predict ignores " + String.join(", ", ignored) + ": only a fit reads "
            + (ignored.size() == 1 ? "it" : "them"));
      }
      Dataset<Row> data = DataIO.read(spark, input, nullValue);
      List<String> columns = Arrays.asList(data.columns());
      List<String> missing = Arrays.stream(model.featureColumns).filter(c -> !columns.contains(c)).toList();
      if (!missing.isEmpty()) {
        throw new BadInputException("input '" + input + "' lacks the feature column(s) " + missing + " the model was"
            + " trained on; its columns are " + columns);
      }
      for (String feature : model.features.numeric()) DataIO.requireNumericFeature(data, feature);
      requireNewColumns(data, model, csv, input);
      warnOfUnseenCategories(data, model);
      String[] added = model.encodeIntoFreeColumns(data.columns());
      Dataset<Row> transformed = scoreWithoutLabel(model, data).drop(added);
      Dataset<Row> scored = csv ? perClassColumns(transformed, model) : transformed;
      try {
        claimed.write(tmp -> {
          if (csv) scored.write().option("header", "true").csv(tmp);
          else scored.write().parquet(tmp);
        });
      } catch (InvalidRowException e) { // scoring is row-wise: the input's partitions are the scorer's
        throw e.inInputOrder(data);
      }
      // A model fitted with handleInvalid=skip drops such rows when it scores too: a pipeline that joins the output
      // back to its input must hear of it.
      if ("skip".equals(model.bnn.getOrDefault(model.bnn.getParam("handleInvalid")))) {
        dropped = data.where(DataIO.anyNotFinite(model.features.numeric())).count();
      }
    }
    System.out.println("predict: wrote " + output + (csv ? " (CSV)" : " (Parquet)"));
    if (dropped > 0) {
      System.err.println("warning: " + dropped + " input row(s) were dropped, not scored: their features are null,"
          + " NaN or infinite (the model's handleInvalid=skip; --param handleInvalid=error fails naming the first)");
    }
    return 0;
  }

  /**
   * The columns predict adds beyond the model's own (whose Params name them, and which it checks itself): a
   * classifier's predicted label, and in CSV the per-class probability columns, which would otherwise replace an
   * input column of the same name without a word. An input that has one fails, naming it.
   */
  private static void requireNewColumns(Dataset<Row> data, SavedPipeline model, boolean csv, String input) {
    if (model.predictedLabelColumn == null) return;
    List<String> added = new java.util.ArrayList<>(List.of(model.predictedLabelColumn));
    if (csv) {
      for (String vector : perClassOutputs(model)) {
        for (String label : model.classLabels) added.add(vector + "_" + label);
      }
    }
    List<String> columns = Arrays.asList(data.columns());
    for (String column : added) {
      if (columns.stream().anyMatch(c -> c.equalsIgnoreCase(column))) {
        throw new BadInputException("input '" + input + "' already has a column '" + column + "', which predict"
            + " writes: drop or rename it (was the input scored before?)");
      }
    }
  }

  /**
   * A warning per text feature column that holds values the fit did not see (they score as none of its categories,
   * where a column of another coding, 1 and 2 for F and M say, would otherwise score every row so without a word):
   * how many rows, and one such value. One pass over the input for all the columns.
   */
  private static void warnOfUnseenCategories(Dataset<Row> data, SavedPipeline model) {
    if (model.featureIndexer == null) return;
    String[] text = model.featureIndexer.getInputCols();
    String[][] known = model.featureIndexer.labelsArray();
    List<Column> checks = new java.util.ArrayList<>();
    for (int i = 0; i < text.length; i++) {
      Column value = functions.col("`" + text[i].replace("`", "``") + "`").cast("string");
      Column unseen = value.isNotNull().and(functions.not(value.isin((Object[]) known[i])));
      checks.add(functions.sum(functions.when(unseen, 1L).otherwise(0L)));
      checks.add(functions.first(functions.when(unseen, value), true));
    }
    Row r = data.agg(checks.get(0), checks.subList(1, checks.size()).toArray(new Column[0])).first();
    for (int i = 0; i < text.length; i++) {
      long rows = r.getLong(2 * i);
      if (rows > 0) {
        System.err.println("warning: column '" + text[i] + "': " + rows + " row(s) hold a value the model was not"
            + " trained on (e.g. '" + r.getString(2 * i + 1) + "'; it knows " + listed(known[i])
            + "): they score as none of its categories");
      }
    }
  }

  /** Up to ten values, then how many there are in all. */
  private static String listed(String[] values) {
    if (values.length <= 10) return String.join(", ", values);
    return String.join(", ", Arrays.copyOf(values, 10)) + ", ... (" + values.length + " in all)";
  }

  /**
   * Every stage but the classifier's label indexer: scoring never needs the label, so a label column that is
   * absent, empty or holds a value unseen in training must not matter.
   */
  private static Dataset<Row> scoreWithoutLabel(SavedPipeline model, Dataset<Row> data) {
    Dataset<Row> out = data;
    for (Transformer stage : model.model.stages()) {
      if (stage != model.labelIndexer) out = stage.transform(out);
    }
    return out;
  }

  /** The classifier's per-class vector columns that are switched on (probability, probabilityVariance). */
  private static List<String> perClassOutputs(SavedPipeline model) {
    if (model.classLabels == null) return List.of();
    List<String> names = new java.util.ArrayList<>();
    for (String param : new String[] {"probabilityCol", "probabilityVarianceCol"}) {
      String name = (String) model.bnn.getOrDefault(model.bnn.getParam(param));
      if (!name.isEmpty()) names.add(name);
    }
    return names;
  }

  /**
   * CSV has no vector type: each per-class vector column (probability, probabilityVariance) becomes one column per
   * class, named after the class label, e.g. {@code probability_setosa}; rawPrediction (log probability) is dropped.
   * A vector column of the input (from a Parquet input) fails, naming it: dropping it would lose it without a word.
   */
  private static Dataset<Row> perClassColumns(Dataset<Row> scored, SavedPipeline model) {
    Dataset<Row> out = scored;
    List<String> perClass = perClassOutputs(model);
    boolean classifier = model.classLabels != null;
    String raw = classifier ? (String) model.bnn.getOrDefault(model.bnn.getParam("rawPredictionCol")) : null;
    for (StructField f : scored.schema().fields()) {
      if (!f.dataType().equals(SQLDataTypes.VectorType())) continue;
      if (perClass.contains(f.name())) {
        Column values = org.apache.spark.ml.functions.vector_to_array(functions.col(f.name()), "float64");
        for (int k = 0; k < model.classLabels.length; k++) {
          out = out.withColumn(f.name() + "_" + model.classLabels[k], values.getItem(k));
        }
      } else if (!f.name().equals(raw)) {
        throw new BadInputException("input column '" + f.name() + "' holds vectors, which a CSV output cannot: write"
            + " Parquet (an output not named *.csv, or --format parquet), or drop the column");
      }
      out = out.drop(f.name());
    }
    return out;
  }
}
