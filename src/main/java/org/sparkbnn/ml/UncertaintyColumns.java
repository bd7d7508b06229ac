package org.sparkbnn.ml;

import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The classifier's optional uncertainty columns, appended after Spark's prediction columns. */
final class UncertaintyColumns {
  private UncertaintyColumns() {}

  static StructType append(StructType schema, BayesByBackpropClassifierParams params) {
    StructType out = add(schema, params, params.probabilityVarianceCol(), true);
    for (Param<String> column : List.of(params.predictiveEntropyCol(), params.expectedEntropyCol(),
        params.mutualInformationCol())) {
      out = add(out, params, column, false);
    }
    return out;
  }

  private static StructType add(StructType schema, BayesByBackpropClassifierParams params, Param<String> column,
                                boolean vector) {
    String name = params.getOrDefault(column);
    if (name.isEmpty()) return schema;
    OutputColumns.requireNew(schema, params, column);
    return schema.add(name, vector ? SQLDataTypes.VectorType() : DataTypes.DoubleType, false);
  }
}
