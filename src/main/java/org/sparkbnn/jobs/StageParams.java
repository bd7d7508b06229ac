package org.sparkbnn.jobs;

import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkbnn.input.BadInputException;

/**
 * Applies {@code --param name=value} pairs to a stage, parsing each value as its Param's type. An unknown name is
 * a usage error (exit 2); a value the Param refuses is invalid input (exit 3), as in a params file.
 */
final class StageParams {
  private StageParams() {}

  @SuppressWarnings("unchecked")
  static void apply(Params stage, Map<String, String> params) {
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (!stage.hasParam(e.getKey())) {
        throw new UsageException("unknown --param '" + e.getKey() + "'; known: " + known(stage));
      }
      Param<Object> p = (Param<Object>) stage.getParam(e.getKey());
      Object value = parse(p, e.getKey(), e.getValue());
      try {
        stage.set(p, value);
      } catch (IllegalArgumentException invalid) {
        throw new BadInputException("invalid --param " + e.getKey() + "=" + e.getValue() + ": " + p.doc(), invalid);
      }
    }
  }

  private static Object parse(Param<?> p, String name, String raw) {
    try {
      return switch (p.getClass().getSimpleName()) {
        case "IntParam" -> Integer.parseInt(raw);
        case "LongParam" -> Long.parseLong(raw);
        case "DoubleParam" -> Double.parseDouble(raw);
        case "BooleanParam" -> {
          if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) throw new NumberFormatException(raw);
          yield Boolean.parseBoolean(raw);
        }
        case "IntArrayParam" ->
            java.util.Arrays.stream(raw.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        default -> raw;
      };
    } catch (NumberFormatException e) {
      throw new BadInputException("invalid --param " + name + "=" + raw + ": not " + expected(p), e);
    }
  }

  /** What {@link #parse} reads for a Param of this kind, for the error when it cannot. */
  private static String expected(Param<?> p) {
    return switch (p.getClass().getSimpleName()) {
      case "IntParam" -> "an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
      case "IntArrayParam" -> "a comma-separated list of integers (each up to " + Integer.MAX_VALUE + ")";
      case "LongParam" -> "an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
      case "BooleanParam" -> "a boolean (true or false)";
      default -> "a number";
    };
  }

  private static String known(Params stage) {
    StringBuilder sb = new StringBuilder();
    for (Param<?> p : stage.params()) sb.append(sb.length() == 0 ? "" : ", ").append(p.name());
    return sb.toString();
  }
}
