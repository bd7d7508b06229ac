package org.sparkbnn.train;

import org.apache.spark.ml.linalg.Vector;

/** The checks a features value must pass, for training and for scoring alike. */
public final class FeatureValidation {
  private FeatureValidation() {}

  /** A description of what is wrong with a features cell, or null if it is usable. */
  public static String problem(Object value, String featuresCol, int numFeatures) {
    if (value == null) return "features column '" + featuresCol + "' is null";
    Vector v = (Vector) value;
    if (v.size() != numFeatures) {
      return "features column '" + featuresCol + "' has a vector of size " + v.size() + ", expected " + numFeatures;
    }
    for (int j = 0; j < numFeatures; j++) {
      double d = v.apply(j);
      if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) {
        return "features column '" + featuresCol + "' has " + d + " at index " + j;
      }
    }
    return null;
  }
}
