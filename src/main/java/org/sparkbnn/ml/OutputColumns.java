package org.sparkbnn.ml;

import java.util.Arrays;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.types.StructType;

/**
 * The one check every output column of the models passes: its name (the value of {@code param}) must be new to the
 * schema it is appended to. Spark's own check for its prediction columns says only "requirement failed: Column
 * prediction already exists"; scoring data that was scored before is the usual cause, and the Param is the way out.
 */
final class OutputColumns {
  private OutputColumns() {}

  /** As {@link #requireNew(StructType, Params, Param)}, for each of {@code params}. */
  @SafeVarargs
  static void requireNew(StructType schema, Params stage, Param<String>... params) {
    for (Param<String> param : params) requireNew(schema, stage, param);
  }

  /** Fails, naming the column and its Param, if {@code param}'s column (unless off: empty) is in {@code schema}. */
  static void requireNew(StructType schema, Params stage, Param<String> param) {
    String name = stage.getOrDefault(param);
    // Compared as Spark resolves names by default (spark.sql.caseSensitive=false): 'Prediction' would clash too.
    if (!name.isEmpty() && Arrays.stream(schema.fieldNames()).anyMatch(name::equalsIgnoreCase)) {
      throw new IllegalArgumentException("output column '" + name + "' (" + param.name() + ") already exists in the"
          + " input or is used by another output: score data without it (was it scored before?), or set "
          + param.name() + " to another name");
    }
  }
}
