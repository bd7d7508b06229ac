package org.sparkbnn.jobs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.sparkbnn.input.BadInputException;

/**
 * The feature columns a job reads, and the stages that make them the model's vector: numeric columns (and boolean
 * ones, as 0 or 1) as they are, text columns of a few distinct values (a region, a product line, UCI Adult's
 * 'workclass') one-hot encoded. The text columns are indexed with StringIndexer (values in sorted order, so the
 * encoding does not depend on the rows' order or partitioning) and OneHotEncoder, both with handleInvalid=keep: k
 * categories make k + 1 indicators, the last one "none of them", which an empty cell or a value the fit did not see
 * switches on instead of failing the job. The stages are saved in the pipeline, so {@code predict} encodes its input
 * the same way; the stage leaves the indicators unstandardised (Standardization).
 */
final class FeatureColumns {
  /** A text column with more distinct values than this is no category (a name, an identifier, free text). */
  static final int MAX_CATEGORIES = 100;

  /** Every feature column, in input order: what an input to score must have. */
  final String[] names;
  /** The text columns among them, one-hot encoded. */
  final String[] text;

  FeatureColumns(String[] names, String[] text) {
    this.names = names.clone();
    this.text = text.clone();
  }

  /** The numeric feature columns (those a row's NaN or null makes invalid). */
  String[] numeric() {
    List<String> t = Arrays.asList(text);
    return Arrays.stream(names).filter(n -> !t.contains(n)).toArray(String[]::new);
  }

  /**
   * The given feature columns ({@code featuresOption}, comma-separated), or every numeric or boolean column but the
   * label and every text column that {@link #asCategory} accepts. A requested column must exist and be numeric,
   * boolean or a text column of at most {@value #MAX_CATEGORIES} values; the label among them is refused; a column
   * left out of the automatic list is named, with why.
   */
  static FeatureColumns choose(Dataset<Row> data, String label, String featuresOption) {
    List<String> names = Arrays.asList(data.columns());
    if (!names.contains(label)) {
      throw new BadInputException("label column '" + label + "' does not exist; columns are " + names);
    }
    List<String> chosen = new ArrayList<>();
    List<String> text = new ArrayList<>();
    if (featuresOption != null) {
      List<String> requested = Arrays.stream(featuresOption.split(",")).map(f -> DataIO.readableName(f.trim()))
          .toList();
      Map<String, TextCounts> counts = textCounts(data, requested.stream().filter(f -> isText(data, f)).toList());
      Set<String> seen = new HashSet<>();
      for (String name : requested) {
        // Spark resolves names without regard to case: 'Age' and 'age' are one column, given twice.
        if (!seen.add(name.toLowerCase(Locale.ROOT))) {
          throw new BadInputException("--features names column '" + name + "' twice: each feature once");
        }
        if (name.equals(label)) {
          throw new BadInputException("--features includes the label column '" + label + "': a model cannot"
              + " be given its own label as an input");
        }
        if (counts.containsKey(name)) {
          String why = asCategory(data, data.schema().apply(name), counts.get(name), false);
          if (why != null) {
            throw new BadInputException("feature column '" + name + "' must be numeric or categorical, but " + why);
          }
          text.add(name);
        } else {
          DataIO.requireNumericFeature(data, name);
        }
        chosen.add(name);
      }
      return new FeatureColumns(chosen.toArray(new String[0]), text.toArray(new String[0]));
    }
    StructField[] fields = data.schema().fields();
    Map<String, TextCounts> counts = textCounts(data, Arrays.stream(fields).map(StructField::name)
        .filter(f -> !f.equals(label) && isText(data, f)).toList());
    for (int i = 0; i < fields.length; i++) {
      StructField f = fields[i];
      if (f.name().equals(label)) continue;
      if (f.name().equals("_c" + i)) {
        System.err.println("warning: column " + (i + 1) + " has no name in the header (Spark calls it '" + f.name()
            + "'); it is left out of the features, as the row names R and pandas write without one are (name it in"
            + " --features to use it)");
      } else if (DataIO.isNumericFeature(f.dataType())) {
        chosen.add(f.name());
      } else {
        String why = counts.containsKey(f.name()) ? asCategory(data, f, counts.get(f.name()), true)
            : DataIO.whyNotNumeric(data, f);
        if (why == null) {
          chosen.add(f.name());
          text.add(f.name());
          System.err.println("note: text column '" + f.name() + "' is one-hot encoded as a feature");
        } else {
          System.err.println("warning: column '" + f.name() + "' is left out of the features: " + why
              + " (pass --features to choose the columns)");
        }
      }
    }
    if (chosen.isEmpty()) {
      throw new BadInputException("no numeric or categorical feature columns besides label '" + label + "' in "
          + names);
    }
    return new FeatureColumns(chosen.toArray(new String[0]), text.toArray(new String[0]));
  }

  private static boolean isText(Dataset<Row> data, String column) {
    return Arrays.asList(data.columns()).contains(column)
        && data.schema().apply(column).dataType() instanceof StringType;
  }

  /** A text column's cells: all rows, those set, those that read as numbers, and about how many distinct values. */
  private record TextCounts(long rows, long set, long numbers, long distinct) {}

  /**
   * The counts of each of the text {@code columns}, in one pass over the data (approx_count_distinct: no shuffle of
   * the values; its 1% error does not matter to the limits {@link #asCategory} holds them to).
   */
  private static Map<String, TextCounts> textCounts(Dataset<Row> data, List<String> columns) {
    if (columns.isEmpty()) return Map.of();
    List<Column> counts = new ArrayList<>();
    for (String name : columns) {
      String quoted = "`" + name.replace("`", "``") + "`";
      counts.add(functions.count(functions.col(quoted)));
      // try_cast: under ANSI mode (Spark 4's default) a plain cast of a non-number fails instead of giving null.
      counts.add(functions.count(functions.expr("try_cast(" + quoted + " AS DOUBLE)")));
      counts.add(functions.approx_count_distinct(functions.col(quoted), 0.01));
    }
    Row r = data.agg(functions.count(functions.lit(1)), counts.toArray(new Column[0])).first();
    Map<String, TextCounts> out = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      out.put(columns.get(i), new TextCounts(r.getLong(0), r.getLong(1 + 3 * i), r.getLong(2 + 3 * i),
          r.getLong(3 + 3 * i)));
    }
    return out;
  }

  /**
   * Null when text column {@code f} is a category; else why not. Numbers with stray text in some cells (a
   * missing-value marker such as '?', which --null-value reads as missing) are a numeric column, not categories:
   * DataIO's reason, naming the first such cell. {@code automatic}: the column was not asked for by name, so one
   * with more distinct values than half the rows is taken for an identifier too.
   */
  private static String asCategory(Dataset<Row> data, StructField f, TextCounts c, boolean automatic) {
    if (c.set() == 0 || 2 * c.numbers() >= c.set()) return DataIO.whyNotNumeric(data, f);
    if (automatic && 2 * c.distinct() > c.rows()) {
      return "it has about " + Math.min(c.distinct(), c.rows()) + " distinct values in " + c.rows() + " rows, as an"
          + " identifier would";
    }
    if (c.distinct() > MAX_CATEGORIES) {
      return "it has about " + c.distinct() + " distinct values, more than the " + MAX_CATEGORIES + " a categorical"
          + " feature may have";
    }
    return null;
  }

  /** As {@link #choose}, for a regression: the label must be numeric too. */
  static FeatureColumns besideNumericLabel(Dataset<Row> data, String label, String featuresOption) {
    DataIO.requireNumeric(data, label, "label");
    return choose(data, label, featuresOption);
  }

  /** The stages that make the features one vector column, and its name. */
  record Assembly(PipelineStage[] stages, String vector) {}

  /**
   * The stages that assemble the features into one vector column none of {@code inputColumns} has: for text columns
   * a StringIndexer and a OneHotEncoder (estimators, fitted with the pipeline), then a VectorAssembler whose "keep"
   * passes a numeric null or NaN through as NaN so that the stage's own handleInvalid decides (and names the row and
   * column).
   */
  Assembly assembly(String[] inputColumns) {
    StageColumns columns = stageColumns(inputColumns);
    VectorAssembler assembler = new VectorAssembler().setInputCols(columns.assembled()).setOutputCol(columns.vector())
        .setHandleInvalid("keep");
    if (text.length == 0) return new Assembly(new PipelineStage[] {assembler}, columns.vector());
    return new Assembly(new PipelineStage[] {
        new StringIndexer().setInputCols(text).setOutputCols(columns.indices()).setStringOrderType("alphabetAsc")
            .setHandleInvalid("keep"),
        new OneHotEncoder().setInputCols(columns.indices()).setOutputCols(columns.indicators())
            .setHandleInvalid("keep"),
        assembler}, columns.vector());
  }

  /**
   * The columns the feature stages add: per text column its index and its one-hot vector, and the assembled
   * vector; {@code assembled} is the assembler's inputs, {@link #names} with each text column's vector in its place.
   */
  record StageColumns(String[] indices, String[] indicators, String vector, String[] assembled) {}

  /**
   * Names for the columns the stages add that none of {@code inputColumns} has (compared as Spark does, ignoring
   * case): the vector is {@value DataIO#FEATURES}, a text column c's index and vector c_index and c_onehot, or, when
   * the input has a column of that name (a count of a product's features, say), the first of name_1, name_2, ...
   * that it lacks.
   */
  StageColumns stageColumns(String[] inputColumns) {
    Set<String> taken = new HashSet<>();
    for (String c : inputColumns) taken.add(c.toLowerCase(Locale.ROOT));
    String vector = freeName(DataIO.FEATURES, taken);
    String[] indices = new String[text.length];
    String[] indicators = new String[text.length];
    String[] assembled = names.clone();
    for (int i = 0; i < text.length; i++) {
      indices[i] = freeName(text[i] + "_index", taken);
      indicators[i] = freeName(text[i] + "_onehot", taken);
      assembled[Arrays.asList(names).indexOf(text[i])] = indicators[i];
    }
    return new StageColumns(indices, indicators, vector, assembled);
  }

  /**
   * The rows with their features assembled into column {@value DataIO#FEATURES} beside the {@code kept} columns,
   * for a job that splits the rows itself (evaluate, compare-classifiers): the categories are those of all rows,
   * which holds no label and so leaks nothing of a test split's answers into its fit.
   */
  Dataset<Row> assembled(Dataset<Row> data, Column... kept) {
    Assembly assembly = assembly(data.columns());
    Column[] columns = Arrays.copyOf(kept, kept.length + 1);
    columns[kept.length] = functions.col(assembly.vector()).as(DataIO.FEATURES);
    return new Pipeline().setStages(assembly.stages()).fit(data).transform(data).select(columns);
  }

  /** {@code base}, or base_1, base_2, ...: the first that is not in {@code taken}, which it is added to. */
  private static String freeName(String base, Set<String> taken) {
    String name = base;
    for (int k = 1; taken.contains(name.toLowerCase(Locale.ROOT)); k++) name = base + "_" + k;
    taken.add(name.toLowerCase(Locale.ROOT));
    return name;
  }
}
