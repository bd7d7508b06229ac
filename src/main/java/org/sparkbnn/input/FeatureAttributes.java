package org.sparkbnn.input;

import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
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
}
