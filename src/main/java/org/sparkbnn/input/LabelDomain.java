package org.sparkbnn.input;

import java.io.Serializable;

/**
 * What a valid label is: any finite number (regression), or a class index 0..K-1 stored as a double
 * (classification, Spark's convention). With K not yet known (no nominal metadata on the label column), class
 * indices up to {@value #MAX_CLASSES} - 1 are accepted and K is taken from the data.
 */
public final class LabelDomain implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Upper bound on classes when K comes from the data: the output layer has one unit per class. */
  public static final int MAX_CLASSES = 1000;

  private final boolean categorical;
  private final int numClasses;

  private LabelDomain(boolean categorical, int numClasses) {
    this.categorical = categorical;
    this.numClasses = numClasses;
  }

  public static LabelDomain continuous() { return new LabelDomain(false, 0); }

  /** Class indices 0..numClasses-1, or 0..MAX_CLASSES-1 if numClasses is -1 (unknown). */
  public static LabelDomain classes(int numClasses) {
    if (numClasses == 0 || numClasses < -1) throw new IllegalArgumentException("numClasses must be >= 1 or -1");
    return new LabelDomain(true, numClasses);
  }

  public boolean isCategorical() { return categorical; }

  /** What is wrong with a label value, or null if it is valid. */
  public String problem(double label, String labelCol) {
    if (!Double.isFinite(label)) return "label column '" + labelCol + "' is " + label;
    if (!categorical) {
      return Math.abs(label) > Float.MAX_VALUE ? "label column '" + labelCol + "' is out of float range: " + label
          : null;
    }
    int limit = numClasses > 0 ? numClasses : MAX_CLASSES;
    if (label != Math.rint(label) || label < 0 || label >= limit) {
      String expected = numClasses > 0 ? "0.." + (numClasses - 1) + " (the label column's metadata declares "
          + numClasses + " classes)" : "0.." + (MAX_CLASSES - 1);
      return "label column '" + labelCol + "' holds " + label + ", not a class index " + expected
          + "; index string or arbitrary labels with StringIndexer";
    }
    return null;
  }
}
