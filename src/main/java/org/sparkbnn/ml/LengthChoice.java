package org.sparkbnn.ml;

import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbnn.ml.NetworkTrainer.ShorterFit;

/**
 * earlyStopping's choice among a fit's training lengths, by their predictive's held-out log-likelihood per row
 * ({@link HeldOutCalibration} scores them): the full length first, a shorter one kept only when strictly better,
 * so that ties (and a fit without shorter lengths) keep the network as trained. Logs the comparison and notes it
 * for the fit report.
 *
 * @param <S> what the held-out rows gave under a length (the calibration then uses the kept length's)
 */
final class LengthChoice<S extends LengthChoice.Scored> {
  private static final Logger LOG = LoggerFactory.getLogger(LengthChoice.class);

  /** What a training length's predictive is judged by: its held-out log-likelihood per row. */
  interface Scored {
    double logLikelihood();
  }

  private final StringBuilder scores = new StringBuilder();
  private final int fullEpochs;
  private final double fullScore;
  private FittedNetwork kept;
  private S best;
  private int keptEpochs;
  private boolean compared;

  /** The full length scored by {@code score}, then each shorter one in turn. */
  static <S extends Scored> LengthChoice<S> of(FittedNetwork full, List<ShorterFit> shorter,
                                               Function<FittedNetwork, S> score) {
    LengthChoice<S> lengths = new LengthChoice<>(full, score.apply(full));
    for (ShorterFit fit : shorter) lengths.consider(fit, score.apply(fit.network()));
    return lengths;
  }

  private LengthChoice(FittedNetwork full, S scored) {
    this.kept = full;
    this.best = scored;
    this.fullEpochs = full.history.size();
    this.fullScore = scored.logLikelihood();
    this.keptEpochs = fullEpochs;
  }

  private void consider(ShorterFit fit, S scored) {
    compared = true;
    scores.append(String.format("%d: %.4f, ", fit.epochs(), scored.logLikelihood()));
    if (scored.logLikelihood() > best.logLikelihood()) {
      kept = fit.network();
      best = scored;
      keptEpochs = fit.epochs();
    }
  }

  /** What the held-out rows gave under the kept length. */
  S best() { return best; }

  /** The kept network, with a note of the comparison for the report when there was one. */
  FittedNetwork kept() {
    if (!compared) return kept;
    String note = String.format("earlyStopping: kept the parameters after %d of %d epochs (held-out log-likelihood"
        + " per row after %s%d: %.4f)", keptEpochs, fullEpochs, scores, fullEpochs, fullScore);
    LOG.info("Bayes by Backprop: {}", note);
    return kept.lengthNoted(note);
  }
}
