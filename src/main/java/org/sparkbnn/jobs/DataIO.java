package org.sparkbnn.jobs;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.input.HadoopPaths;

/** Reading inputs and choosing feature columns, with errors that name the path, column and row. */
final class DataIO {
  static final String FEATURES = "features";
  private static final byte[] PARQUET_MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private DataIO() {}

  /**
   * An input read as CSV: a name ending in .csv, or in .csv.gz or .csv.bz2, which Spark's CSV reader decompresses
   * by itself (a pipeline's exports often come gzipped).
   */
  private static final Pattern CSV_INPUT = Pattern.compile("(?i).*\\.csv(\\.(gz|bz2))?");

  /** {@code --format} if given (csv or parquet), else CSV for a path ending in .csv and Parquet otherwise. */
  static boolean isCsv(String path, String format) {
    if (format == null) return path.toLowerCase().endsWith(".csv");
    if (!format.equalsIgnoreCase("csv") && !format.equalsIgnoreCase("parquet")) {
      throw new UsageException("--format must be csv or parquet, got '" + format + "'");
    }
    return format.equalsIgnoreCase("csv");
  }

  /**
   * CSV with a header (types inferred) when the path ends in .csv (or .csv.gz, .csv.bz2: gzip or bzip2 compressed),
   * Parquet otherwise. An input without rows, or a file that is not what its name says, fails naming the path.
   */
  static Dataset<Row> read(SparkSession spark, String path) {
    return read(spark, path, null);
  }

  /**
   * As {@link #read(SparkSession, String)}, with {@code nullValue} (the jobs' --null-value, e.g. '?' or 'NA'; null
   * for none) read as a missing value in a CSV input, so that handleInvalid decides about its rows instead of the
   * column being read as text.
   */
  static Dataset<Row> read(SparkSession spark, String path, String nullValue) {
    boolean csv = CSV_INPUT.matcher(path).matches();
    if (nullValue != null && !csv) {
      throw new UsageException("--null-value applies to CSV inputs, and '" + path + "' is read as Parquet");
    }
    Dataset<Row> data;
    try {
      List<FileStatus> matched = matched(spark, path);
      if (matched.isEmpty()) {
        throw new BadInputException("input '" + path + "' " + (isGlob(path) ? "matches no file" : "does not exist"));
      }
      if (!csv) requireParquet(spark, path, matched);
      String header = csv ? CsvHeaders.oneHeader(path, matched, spark.sparkContext().hadoopConfiguration()) : null;
      data = csv ? readCsv(spark, path, ",", nullValue) : spark.read().parquet(path);
      String separator = csv ? otherSeparator(data.columns()) : null;
      if (separator != null) {
        System.err.println("note: input '" + path + "' is read with '" + separator.replace("\t", "\\t")
            + "' as the separator: its header has no commas");
        data = readCsv(spark, path, separator, nullValue);
      }
      List<String> repeated = CsvHeaders.repeatedNames(header, separator != null ? separator : ",");
      if (!repeated.isEmpty()) {
        System.err.println("note: the header of input '" + path + "' repeats the column name(s) " + repeated
            + ": Spark reads each such column as the name followed by its position (e.g. " + repeated.get(0)
            + "0); the columns are " + Arrays.toString(data.columns()));
      }
      if (data.isEmpty()) {
        throw new BadInputException("input '" + path + "' has no rows"
            + (csv && data.columns().length > 0 ? " (only a header)" : ""));
      }
    } catch (BadInputException e) {
      throw e;
    } catch (Exception e) { // Spark's AnalysisException is checked, thrown undeclared from Scala
      String message = BadInputException.reason(e);
      if (String.valueOf(e.getMessage()).contains("Unable to infer schema")) message = "no data files in it";
      // A directory not named *.csv is read as Parquet: its files fail in the read job.
      if (message.contains("is not a Parquet file")) message += " (" + NOT_PARQUET_HINT + ")";
      throw new BadInputException("cannot read input '" + path + "': " + message, e);
    }
    return withReadableNames(data, path);
  }

  /**
   * The name a job reads a column under: Spark ML's stages (VectorAssembler, StringIndexer) resolve a dot in a
   * column name as a field of a struct, so a header such as 'Froude.number' (R's exports write such names) is read
   * as 'Froude_number'. The jobs map the {@code --label} and {@code --features} names the same way.
   */
  static String readableName(String column) {
    return column.replace('.', '_');
  }

  /** The input with every column under its {@link #readableName}, with a note per renamed column. */
  private static Dataset<Row> withReadableNames(Dataset<Row> data, String path) {
    String[] names = data.columns();
    String[] readable = Arrays.stream(names).map(DataIO::readableName).toArray(String[]::new);
    if (Arrays.equals(names, readable)) return data;
    Map<String, String> firstWithName = new HashMap<>();
    for (int i = 0; i < names.length; i++) {
      String earlier = firstWithName.putIfAbsent(readable[i], names[i]);
      if (earlier != null) {
        throw new BadInputException("input '" + path + "': columns '" + earlier + "' and '" + names[i] + "' would"
            + " both be read as '" + readable[i] + "' (Spark ML's stages read a dot as a field of a struct): rename"
            + " one of them");
      }
      if (!names[i].equals(readable[i])) {
        System.err.println("note: column '" + names[i] + "' is read as '" + readable[i] + "': Spark ML's stages"
            + " read a dot in a name as a field of a struct");
      }
    }
    return data.toDF(readable);
  }

  private static Dataset<Row> readCsv(SparkSession spark, String path, String separator, String nullValue) {
    DataFrameReader reader = spark.read().option("header", "true").option("inferSchema", "true")
        .option("sep", separator);
    return (nullValue == null ? reader : reader.option("nullValue", nullValue)).csv(path);
  }

  /**
   * The separator of a CSV file whose header, read with commas, is one column holding semicolons, tabs or bars (as
   * UCI's wine-quality files and European spreadsheets' exports use ';'): the one it holds most often; null when the
   * header has commas or none of these.
   */
  static String otherSeparator(String[] commaSeparatedHeader) {
    if (commaSeparatedHeader.length != 1) return null;
    String header = commaSeparatedHeader[0];
    String best = null;
    long bestCount = 0;
    for (String candidate : new String[] {";", "\t", "|"}) {
      long count = header.chars().filter(c -> c == candidate.charAt(0)).count();
      if (count > bestCount) {
        best = candidate;
        bestCount = count;
      }
    }
    return best;
  }

  private static final String NOT_PARQUET_HINT = "inputs not named *.csv are read as Parquet; name a CSV file or"
      + " directory *.csv, or *.csv.gz, *.csv.bz2 when compressed";

  /**
   * A Parquet file starts with PAR1; a directory is left to Spark (whose read job then fails on its files). Each
   * file {@code path} names (one, or those its glob matches) is checked, the message naming it.
   */
  private static void requireParquet(SparkSession spark, String path, List<FileStatus> matched) throws IOException {
    FileSystem fs = HadoopPaths.fileSystem(new Path(path), spark.sparkContext().hadoopConfiguration());
    for (FileStatus file : matched) {
      if (!file.isFile()) continue;
      byte[] head = new byte[PARQUET_MAGIC.length];
      int read;
      try (InputStream in = fs.open(file.getPath())) {
        read = in.readNBytes(head, 0, head.length);
      }
      if (read < head.length || !Arrays.equals(head, PARQUET_MAGIC)) {
        String which = isGlob(path) ? file.getPath() + ", which input '" + path + "' matches," : "input '" + path + "'";
        throw new BadInputException(which + " is not a Parquet file (" + NOT_PARQUET_HINT + ")");
      }
    }
  }

  /** Whether any of these numeric columns is null, NaN or infinite in a row (what handleInvalid judges). */
  static Column anyNotFinite(String[] columns) {
    Column any = functions.lit(false);
    for (String name : columns) {
      Column c = exactly(name).cast("double");
      any = any.or(c.isNull()).or(functions.isnan(c)).or(functions.abs(c).equalTo(Double.POSITIVE_INFINITY));
    }
    return any;
  }

  /** A column by its exact name, dots and backticks included (not parsed as a path into a struct). */
  private static Column exactly(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }

  /** Why a column is not numeric: its type, and the first cell that is not a number, if any. */
  static String whyNotNumeric(Dataset<Row> data, StructField f) {
    Column c = exactly(f.name());
    // try_cast: under ANSI mode (Spark 4's default) a plain cast of a non-number fails instead of giving null.
    Column asNumber = functions.expr("try_cast(`" + f.name().replace("`", "``") + "` AS DOUBLE)");
    // Spark's cast reads 'nan' and 'inf' in any case, the CSV reader only 'NaN' and 'Inf': a column of numbers with
    // one 'nan' (numpy's savetxt writes it) is text whose every cell casts, so a non-finite cast counts as no number.
    Column finite = asNumber.isNotNull().and(functions.not(functions.isnan(asNumber)))
        .and(functions.abs(asNumber).notEqual(Double.POSITIVE_INFINITY));
    Cell bad = firstCellWhere(data, f.name(), c.isNotNull().and(functions.not(finite)));
    if (bad != null) {
      String value = String.valueOf(bad.value);
      // A marker of missing values sits among numbers; a column of words is not one.
      boolean missingMarker = looksLikeAMissingValue(value) && !data.where(finite).isEmpty();
      return "it is " + f.dataType().simpleString() + ": row " + bad.row + " (1-based, header not counted) holds '"
          + value + "'" + (missingMarker ? " (if '" + value + "' marks a missing value, pass --null-value '" + value
          + "'; --param handleInvalid=skip then drops those rows)" : "");
    }
    return data.where(c.isNotNull()).isEmpty() ? "it is empty in every row"
        : "it is " + f.dataType().simpleString();
  }

  /** A short text without digits, as data sets mark a missing value: '?' (UCI's files), 'NA' (R's), 'N/A', '-'. */
  static boolean looksLikeAMissingValue(String value) {
    String v = value.strip();
    return !v.isEmpty() && v.length() <= 4 && v.chars().noneMatch(Character::isDigit);
  }

  /** An incomplete cell: its 1-based row number in input order and its column. */
  record Blank(long row, String column) implements java.io.Serializable {}

  /**
   * The rows in which every one of {@code numeric} is a finite number and every one of {@code present} is set, for a
   * job that splits its input: a fit sees only its split's rows and could not name a bad row by its place in the
   * input, so the rows are checked here, before the splits. With handleInvalid=skip (in {@code params}) the others
   * are dropped and counted; else the first is named, with its column ({@code label} is called the label).
   */
  static Dataset<Row> completeRows(Dataset<Row> raw, String[] numeric, String[] present, String label,
                                   Map<String, String> params, String job) {
    Column incomplete = anyNotFinite(numeric);
    for (String c : present) incomplete = incomplete.or(exactly(c).isNull());
    if ("skip".equalsIgnoreCase(params.getOrDefault("handleInvalid", "error"))) {
      Dataset<Row> complete = raw.where(functions.not(incomplete));
      long dropped = raw.count() - complete.count();
      if (dropped > 0) {
        System.err.println(job + ": handleInvalid=skip: dropped " + dropped + " rows with an empty, NaN or infinite"
            + " label or feature; the splits are of the other rows");
      }
      return complete;
    }
    Blank first = firstIncomplete(raw, numeric, present);
    if (first != null) {
      boolean number = Arrays.asList(numeric).contains(first.column());
      throw new BadInputException((first.column().equals(label) ? "label" : "feature") + " column '"
          + first.column() + "' is " + (number ? "empty, NaN or infinite" : "empty") + " in row " + first.row()
          + " (1-based, header not counted); --param handleInvalid=skip drops such rows before the splits");
    }
    return raw;
  }

  /** The first row, in input order, where a {@code numeric} column is not a finite number or a {@code present} null. */
  private static Blank firstIncomplete(Dataset<Row> data, String[] numeric, String[] present) {
    List<Column> columns = new ArrayList<>();
    for (String c : numeric) columns.add(exactly(c).cast("double"));
    for (String c : present) columns.add(exactly(c));
    List<Blank> hits = data.select(columns.toArray(new Column[0])).javaRDD().zipWithIndex().flatMap(t -> {
      for (int i = 0; i < numeric.length + present.length; i++) {
        boolean bad = t._1().isNullAt(i) || i < numeric.length && !Double.isFinite(t._1().getDouble(i));
        if (bad) return List.of(new Blank(t._2() + 1, i < numeric.length ? numeric[i] : present[i - numeric.length]))
            .iterator();
      }
      return java.util.Collections.<Blank>emptyIterator();
    }).take(1);
    return hits.isEmpty() ? null : hits.get(0);
  }

  /** A cell of the input: its 1-based row number in input order and its value. */
  record Cell(long row, Object value) implements java.io.Serializable {}

  /** The first cell of {@code column}, in input order, in a row where {@code condition} holds; null if none. */
  static Cell firstCellWhere(Dataset<Row> data, String column, Column condition) {
    List<Cell> hits = data.select(condition.as("_hit"), exactly(column)).javaRDD().zipWithIndex()
        .filter(t -> !t._1().isNullAt(0) && t._1().getBoolean(0))
        .map(t -> new Cell(t._2() + 1, t._1().get(1))).take(1);
    return hits.isEmpty() ? null : hits.get(0);
  }

  /** A column that exists and is numeric; else an error naming it and, for a text column, its first non-number. */
  static void requireNumeric(Dataset<Row> data, String column, String role) {
    require(data, column, role, false);
  }

  /** As {@link #requireNumeric}, for a feature: a boolean column (Parquet's) is one too, read as 0 or 1. */
  static void requireNumericFeature(Dataset<Row> data, String column) {
    require(data, column, "feature", true);
  }

  /** A type VectorAssembler reads as a number: numeric, or boolean (0 or 1). */
  static boolean isNumericFeature(DataType type) {
    return type instanceof NumericType || type instanceof BooleanType;
  }

  private static void require(Dataset<Row> data, String column, String role, boolean feature) {
    if (!Arrays.asList(data.columns()).contains(column)) {
      throw new BadInputException(role + " column '" + column + "' does not exist; columns are "
          + Arrays.toString(data.columns()));
    }
    StructField f = data.schema().apply(column);
    if (!(feature ? isNumericFeature(f.dataType()) : f.dataType() instanceof NumericType)) {
      throw new BadInputException(role + " column '" + column + "' must be numeric, but " + whyNotNumeric(data, f));
    }
  }

  /** Whether {@code path} holds a Hadoop glob (*, ?, [...] or {...}), which Spark's readers expand. */
  static boolean isGlob(String path) {
    return path.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  /**
   * What an input path names, as Spark's readers will read it: the file or directory itself (none if it does not
   * exist), or the files and directories its glob matches (e.g. a scheduled job's {@code exports/2026-12-*.csv}),
   * leaving out hidden ones and Spark's markers, as Spark does.
   */
  static List<FileStatus> matched(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      FileStatus[] found = HadoopPaths.fileSystem(p, spark.sparkContext().hadoopConfiguration()).globStatus(p);
      if (found == null) return List.of();
      boolean glob = isGlob(path);
      return Arrays.stream(found).filter(f -> !glob || CsvHeaders.readBySpark(f.getPath())).toList();
    } catch (IOException | IllegalArgumentException e) {
      throw new BadInputException("cannot access '" + path + "': " + BadInputException.reason(e), e);
    }
  }
}
