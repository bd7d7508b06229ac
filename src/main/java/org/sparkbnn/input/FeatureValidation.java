package org.sparkbnn.input;

import org.apache.spark.ml.linalg.Vector;

/** The checks a features value must pass, for training and for scoring alike. */
public final class FeatureValidation {
  private FeatureValidation() {}

  /**
   * A description of what is wrong with a features cell, or null if it is usable. {@code sourceColumns} (may be
   * null) names the input column of each index, so that the user reads 'bmi' rather than an index.
   */
  public static String problem(Object value, String featuresCol, int numFeatures, String[] sourceColumns) {
    if (value == null) return "features column '" + featuresCol + "' is null";
    Vector v = (Vector) value;
    if (v.size() != numFeatures) {
      return "features column '" + featuresCol + "' has a vector of size " + v.size() + ", expected " + numFeatures;
    }
    for (int j = 0; j < numFeatures; j++) {
      double d = v.apply(j);
      if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) {
        boolean named = sourceColumns != null && j < sourceColumns.length && sourceColumns[j] != null;
        return (named ? "column '" + sourceColumns[j] + "' (index " + j + " of features column '" + featuresCol + "')"
            : "features column '" + featuresCol + "' at index " + j)
            // VectorAssembler passes a missing cell (null) on as NaN, so NaN here may be either.
            + (Double.isNaN(d) ? " is missing or NaN" : " is " + d)
            + (Double.isFinite(d)
                ? ", beyond the float32 range the network computes in (|x| <= " + Float.MAX_VALUE + ")" : "");
      }
    }
    return null;
  }
}
