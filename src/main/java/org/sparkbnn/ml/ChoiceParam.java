package org.sparkbnn.ml;

import java.util.Arrays;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * A string Param with a fixed set of allowed values, accepted in any capitalisation and read back in the spelling
 * of the allowed values ("RELU" reads as "relu"), so that the values compared, fingerprinted and saved downstream
 * do not depend on how the user capitalised them.
 */
public final class ChoiceParam extends Param<String> {
  private static final long serialVersionUID = 1L;
  private final String[] allowed;

  ChoiceParam(Params parent, String name, String doc, String[] allowed) {
    super(parent, name, doc + " Supported: " + String.join(", ", allowed) + ".", ParamSet.valid(
        (String s) -> s != null && Arrays.stream(allowed).anyMatch(a -> a.equalsIgnoreCase(s))));
    this.allowed = allowed.clone();
  }

  /** {@code value} in the spelling of the allowed value it names (a value not allowed is returned as is). */
  public String canonical(String value) {
    for (String a : allowed) if (a.equalsIgnoreCase(value)) return a;
    return value;
  }
}
