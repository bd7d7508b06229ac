package org.sparkbnn.ml;

import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The classifier's optional uncertainty columns, appended after Spark's prediction columns. */
final class UncertaintyColumns {
  private UncertaintyColumns() {}

  static StructType append(StructType schema, BayesByBackpropClassifierParams params) {
    StructType out = add(schema, params.getProbabilityVarianceCol(), true);
    for (String name : new String[] {params.getPredictiveEntropyCol(), params.getExpectedEntropyCol(),
        params.getMutualInformationCol()}) {
      out = add(out, name, false);
    }
    return out;
  }

  private static StructType add(StructType schema, String name, boolean vector) {
    if (name.isEmpty()) return schema;
    if (Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException("output column '" + name + "' already exists in the input");
    }
    return schema.add(name, vector ? SQLDataTypes.VectorType() : DataTypes.DoubleType, false);
  }
}
