package org.sparkbnn.ml;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * Spark's internal rows at the two ends of {@code transform}: the scorer reads the features column from the input's
 * internal rows and appends its own columns to them, so the other columns are never converted. Going through
 * {@link Row} instead converts every column of every row to Java objects and back (a features vector twice); on a
 * cached DataFrame of 300,000 rows that round trip alone took 0.3-0.6 s, a quarter to a third of the whole
 * transform at 32 samples.
 */
final class InternalRows {
  @SuppressWarnings("unchecked")
  private static final UserDefinedType<Vector> VECTOR = (UserDefinedType<Vector>) SQLDataTypes.VectorType();

  private InternalRows() {}

  /**
   * The input's rows, as the query produces them (a row may be reused by the next: copy one that is kept). A
   * streaming DataFrame has no rows until its query runs: refused with the way to score one.
   */
  static JavaRDD<InternalRow> of(Dataset<?> dataset) {
    if (dataset.isStreaming()) {
      throw new IllegalArgumentException("transform scores a DataFrame in batches and does not take a streaming one:"
          + " score each micro-batch instead, e.g. writeStream().foreachBatch((batch, id) -> model.transform(batch)"
          + ".write()...)");
    }
    return dataset.queryExecution().toRdd().toJavaRDD();
  }

  /** The vector in column {@code ordinal}, or null. */
  static Vector vector(InternalRow row, int ordinal) {
    return row.isNullAt(ordinal) ? null : VECTOR.deserialize(row.get(ordinal, VECTOR.sqlType()));
  }

  /** The number in column {@code ordinal} of numeric {@code type} as a double; NaN if null. */
  static double number(InternalRow row, int ordinal, DataType type) {
    if (row.isNullAt(ordinal)) return Double.NaN;
    Object value = row.get(ordinal, type);
    return value instanceof Decimal d ? d.toDouble() : ((Number) value).doubleValue();
  }

  /** A vector as an internal column value. */
  static Object value(Vector v) {
    return VECTOR.serialize(v);
  }

  /** {@code row}'s columns followed by {@code appended} (internal values: boxed doubles, {@link #value} vectors). */
  static InternalRow append(InternalRow row, Object[] appended) {
    return new JoinedRow(row, new GenericInternalRow(appended));
  }

  /**
   * The DataFrame of {@code rows} with {@code schema}. Spark's own constructor for it,
   * {@code SparkSession.internalCreateDataFrame}, is internal to Spark's SQL package (public in the bytecode) and on
   * Spark 4 lives on the classic session class only, so one call site serves both lines through reflection. Spark
   * turns the rows into its compact format as it reads them, so appended rows need not be.
   */
  @SuppressWarnings("unchecked")
  static Dataset<Row> toDataFrame(SparkSession session, JavaRDD<InternalRow> rows, StructType schema) {
    try {
      Method create = session.getClass().getMethod("internalCreateDataFrame", RDD.class, StructType.class,
          boolean.class);
      return (Dataset<Row>) create.invoke(session, rows.rdd(), schema, false);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) throw (RuntimeException) cause;
      throw new IllegalStateException("cannot build the scored DataFrame: " + cause, cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this Spark (" + session.version() + ") has no "
          + session.getClass().getName() + ".internalCreateDataFrame: spark-bnn supports Spark 3.5 and 4.0", e);
    }
  }
}
