package org.sparkbnn.jobs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
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
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.sparkbnn.input.BadInputException;

/**
 * The feature columns a job reads, and the stages that make them the model's vector: numeric columns as they are,
 * text columns of a few distinct values (a region, a product line, UCI Adult's 'workclass') one-hot encoded. The
 * text columns are indexed with StringIndexer (values in sorted order, so the encoding does not depend on the
 * rows' order or partitioning) and OneHotEncoder, both with handleInvalid=keep: an empty cell, or a value the fit
 * did not see, scores as a row of none of the seen categories (all indicators 0) instead of failing the job. The
 * stages are saved in the pipeline, so {@code predict} encodes its input the same way.
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
   * The given feature columns ({@code featuresOption}, comma-separated), or every numeric column but the label and
   * every text column that {@link #asCategory} accepts. A requested column must exist and be numeric or a text
   * column of at most {@value #MAX_CATEGORIES} values; the label among them is refused; a column left out of the
   * automatic list is named, with why.
   */
  static FeatureColumns choose(Dataset<Row> data, String label, String featuresOption) {
    List<String> names = Arrays.asList(data.columns());
    if (!names.contains(label)) {
      throw new BadInputException("label column '" + label + "' does not exist; columns are " + names);
    }
    List<String> chosen = new ArrayList<>();
    List<String> text = new ArrayList<>();
    if (featuresOption != null) {
      Set<String> seen = new HashSet<>();
      for (String f : featuresOption.split(",")) {
        String name = DataIO.readableName(f.trim());
        // Spark resolves names without regard to case: 'Age' and 'age' are one column, given twice.
        if (!seen.add(name.toLowerCase(Locale.ROOT))) {
          throw new BadInputException("--features names column '" + name + "' twice: each feature once");
        }
        if (name.equals(label)) {
          throw new BadInputException("--features includes the label column '" + label + "': a model cannot"
              + " be given its own label as an input");
        }
        if (isText(data, name)) {
          String why = asCategory(data, data.schema().apply(name), false);
          if (why != null) {
            throw new BadInputException("feature column '" + name + "' must be numeric or categorical, but " + why);
          }
          text.add(name);
        } else {
          DataIO.requireNumeric(data, name, "feature");
        }
        chosen.add(name);
      }
      return new FeatureColumns(chosen.toArray(new String[0]), text.toArray(new String[0]));
    }
    StructField[] fields = data.schema().fields();
    for (int i = 0; i < fields.length; i++) {
      StructField f = fields[i];
      if (f.name().equals(label)) continue;
      if (f.name().equals("_c" + i)) {
        System.err.println("warning: column " + (i + 1) + " has no name in the header (Spark calls it '" + f.name()
            + "'); it is left out of the features, as the row names R and pandas write without one are (name it in"
            + " --features to use it)");
      } else if (f.dataType() instanceof NumericType) {
        chosen.add(f.name());
      } else {
        String why = f.dataType() instanceof StringType ? asCategory(data, f, true) : DataIO.whyNotNumeric(data, f);
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

  /**
   * Null when text column {@code f} is a category; else why not. Numbers with stray text in some cells (a
   * missing-value marker such as '?', which --null-value reads as missing) are a numeric column, not categories:
   * DataIO's reason, naming the first such cell. {@code automatic}: the column was not asked for by name, so one
   * with more distinct values than half the rows is taken for an identifier too.
   */
  private static String asCategory(Dataset<Row> data, StructField f, boolean automatic) {
    Column c = functions.col("`" + f.name().replace("`", "``") + "`");
    Column number = functions.expr("try_cast(`" + f.name().replace("`", "``") + "` AS DOUBLE)");
    Row counts = data.agg(functions.count(functions.lit(1)), functions.count(c), functions.count(number),
        functions.approx_count_distinct(c, 0.01)).first();
    long rows = counts.getLong(0);
    long set = counts.getLong(1);
    long numbers = counts.getLong(2);
    long distinct = counts.getLong(3);
    if (set == 0 || 2 * numbers >= set) return DataIO.whyNotNumeric(data, f);
    // approx_count_distinct: one pass without a shuffle of the values; 1% error does not matter to either limit.
    if (automatic && 2 * distinct > rows) {
      return "it has about " + Math.min(distinct, rows) + " distinct values in " + rows + " rows, as an identifier"
          + " would";
    }
    if (distinct > MAX_CATEGORIES) {
      return "it has about " + distinct + " distinct values, more than the " + MAX_CATEGORIES + " a categorical"
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
