package org.sparkbnn.ml;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a fit knows about itself once it has run and a saved model does not: the data as trained on (rows, skipped
 * rows, partitions), how it ran (steps, timings, synchronisation, kernel) and the data fingerprint that checkpoints
 * are matched by. Shown in the fit's report.
 */
final class FitDetails implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Name -> value, in display order. */
  final Map<String, String> summary;
  final Map<String, String> fingerprint;

  FitDetails(Map<String, String> summary, Map<String, String> fingerprint) {
    this.summary = new LinkedHashMap<>(summary);
    this.fingerprint = new LinkedHashMap<>(fingerprint);
  }
}
