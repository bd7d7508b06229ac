package org.sparkbnn.ml;

import java.util.List;
import java.util.Map;
import org.sparkbnn.train.EpochSummary;

/** What both fitted models say about the fit that made them. */
public interface BayesByBackpropModel {

  /** Per-epoch training history (-ELBO, NLL, KL per row and throughput). */
  List<EpochSummary> trainingHistory();

  /**
   * The {@link #parameterDigest} of the initial model this one was fitted from (whose feature and label
   * standardisation it kept), or null when its fit started from the initialisation.
   */
  String initialModelDigest();

  /** A digest of this model's posterior parameters: its identity as another fit's initial model. */
  String parameterDigest();

  /**
   * Versions, seed and data fingerprint of the fit that made this model, saved with it; empty for a model saved
   * before spark-bnn recorded them.
   */
  Map<String, String> provenance();
}
