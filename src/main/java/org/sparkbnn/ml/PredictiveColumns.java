package org.sparkbnn.ml;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The output columns a stage appends after the prediction, in order: variance, then the optional epistemic
 * and aleatoric parts and the optional interval bounds.
 */
final class PredictiveColumns {
  private PredictiveColumns() {}

  static StructType append(StructType schema, BayesByBackpropRegressorParams params) {
    StructType out = schema;
    for (String name : new String[] {params.getVarianceCol(), params.getEpistemicVarianceCol(),
        params.getAleatoricVarianceCol(), params.getLowerBoundCol(), params.getUpperBoundCol()}) {
      if (name.isEmpty()) continue;
      if (java.util.Arrays.asList(out.fieldNames()).contains(name)) {
        throw new IllegalArgumentException("output column '" + name + "' already exists in the input");
      }
      out = out.add(name, DataTypes.DoubleType, false);
    }
    return out;
  }
}
