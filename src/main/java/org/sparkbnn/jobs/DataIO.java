package org.sparkbnn.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.sparkbnn.train.InvalidInputException;

/** Reading inputs, choosing feature columns, and writing outputs atomically on any Hadoop file system. */
final class DataIO {
  static final String FEATURES = "features";

  private DataIO() {}

  static boolean isCsv(String path, String format) {
    return format != null ? format.equalsIgnoreCase("csv") : path.toLowerCase().endsWith(".csv");
  }

  /** CSV with a header (types inferred) when the path ends in .csv, Parquet otherwise. */
  static Dataset<Row> read(SparkSession spark, String path) {
    if (!exists(spark, path)) throw new InvalidInputException("input '" + path + "' does not exist");
    try {
      return isCsv(path, null)
          ? spark.read().option("header", "true").option("inferSchema", "true").csv(path)
          : spark.read().parquet(path);
    } catch (RuntimeException e) {
      throw new InvalidInputException("cannot read input '" + path + "': " + e.getMessage());
    }
  }

  /**
   * The given feature columns, or every numeric column but the label; each must exist and be numeric, and so must
   * the label (regression).
   */
  static String[] featureColumns(Dataset<Row> data, String label, String featuresOption) {
    requireNumeric(data, label, "label");
    return featureColumnsBeside(data, label, featuresOption);
  }

  /** As {@link #featureColumns}, with a label column of any type (classification: indexed by the job). */
  static String[] featureColumnsBeside(Dataset<Row> data, String label, String featuresOption) {
    List<String> names = Arrays.asList(data.columns());
    if (!names.contains(label)) {
      throw new InvalidInputException("label column '" + label + "' does not exist; columns are " + names);
    }
    if (featuresOption != null) {
      String[] requested = Arrays.stream(featuresOption.split(",")).map(String::trim).toArray(String[]::new);
      for (String f : requested) requireNumeric(data, f, "feature");
      return requested;
    }
    List<String> out = new ArrayList<>();
    for (StructField f : data.schema().fields()) {
      if (!f.name().equals(label) && f.dataType() instanceof NumericType) out.add(f.name());
    }
    if (out.isEmpty()) {
      throw new InvalidInputException("no numeric feature columns besides label '" + label + "' in " + names);
    }
    return out.toArray(new String[0]);
  }

  private static void requireNumeric(Dataset<Row> data, String column, String role) {
    if (!Arrays.asList(data.columns()).contains(column)) {
      throw new InvalidInputException(role + " column '" + column + "' does not exist; columns are "
          + Arrays.toString(data.columns()));
    }
    if (!(data.schema().apply(column).dataType() instanceof NumericType)) {
      throw new InvalidInputException(role + " column '" + column + "' must be numeric but is "
          + data.schema().apply(column).dataType().simpleString());
    }
  }

  /**
   * Assembles the feature columns into one vector; "keep" passes null/NaN through as NaN so that the stage's
   * own handleInvalid decides (and names the row).
   */
  static VectorAssembler assembler(String[] featureColumns) {
    return new VectorAssembler().setInputCols(featureColumns).setOutputCol(FEATURES).setHandleInvalid("keep");
  }

  static boolean exists(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (IOException e) {
      throw new InvalidInputException("cannot access '" + path + "': " + e.getMessage());
    }
  }

  /**
   * Runs {@code writer} against a temporary sibling of {@code target} and renames it into place only when it
   * succeeded, so a failed job never leaves a partial output that looks complete.
   */
  static void writeAtomically(SparkSession spark, String target, boolean overwrite, Consumer<String> writer) {
    Path dest = new Path(target);
    try {
      FileSystem fs = dest.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(dest) && !overwrite) {
        throw new UsageException("output '" + target + "' already exists (pass --overwrite to replace it)");
      }
      Path tmp = new Path(dest.getParent(), "." + dest.getName() + ".tmp-" + UUID.randomUUID());
      try {
        writer.accept(tmp.toString());
        if (fs.exists(dest)) fs.delete(dest, true);
        if (!fs.rename(tmp, dest)) throw new IOException("rename " + tmp + " -> " + dest + " failed");
      } finally {
        if (fs.exists(tmp)) fs.delete(tmp, true);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write '" + target + "': " + e.getMessage(), e);
    }
  }
}
