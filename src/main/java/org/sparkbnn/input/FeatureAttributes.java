package org.sparkbnn.input;

import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.sql.types.StructField;

/** What a features vector's ML attributes (the metadata VectorAssembler and OneHotEncoder write) say of its indices. */
public final class FeatureAttributes {
  private FeatureAttributes() {}

  /**
   * The input column behind each index of a features vector, from its ML attributes (VectorAssembler writes
   * them), or null where they are not known.
   */
  public static String[] sourceColumns(StructField featuresField) {
    scala.Option<Attribute[]> attributes = AttributeGroup.fromStructField(featuresField).attributes();
    if (attributes.isEmpty()) return null;
    Attribute[] a = attributes.get();
    String[] names = new String[a.length];
    for (int j = 0; j < a.length; j++) names[j] = a[j] == null || a[j].name().isEmpty() ? null : a[j].name().get();
    return names;
  }

  /**
   * Which indices of a features vector are indicators (0 or 1: a category's, as OneHotEncoder writes them, or a
   * column's Spark ML marks binary); null when its attributes are not known. {@link Standardization} leaves them as
   * they are.
   */
  public static boolean[] indicators(StructField featuresField) {
    scala.Option<Attribute[]> attributes = AttributeGroup.fromStructField(featuresField).attributes();
    if (attributes.isEmpty()) return null;
    Attribute[] a = attributes.get();
    boolean[] binary = new boolean[a.length];
    for (int j = 0; j < a.length; j++) binary[j] = a[j] instanceof BinaryAttribute;
    return binary;
  }
}
