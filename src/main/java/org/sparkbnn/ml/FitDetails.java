package org.sparkbnn.ml;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a fit knows about itself once it has run and a saved model does not: the data as trained on (rows, skipped
 * rows, partitions) and how it ran (steps, timings, synchronisation, kernel). Shown in the fit's report.
 */
final class FitDetails implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Name -> value, in display order. */
  final Map<String, String> summary;

  FitDetails(Map<String, String> summary) {
    this.summary = new LinkedHashMap<>(summary);
  }

  /** These details with {@code newer}'s lines in place of theirs (null: none), and its other lines after them. */
  FitDetails updatedBy(FitDetails newer) {
    FitDetails merged = new FitDetails(summary);
    if (newer != null) merged.summary.putAll(newer.summary);
    return merged;
  }

  /** These details and one more line. */
  FitDetails with(String name, String value) {
    FitDetails more = new FitDetails(summary);
    more.summary.put(name, value);
    return more;
  }
}
