package org.sparkbnn.ml;

import java.util.Arrays;
import java.util.List;
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

  /** What a training length's predictive is judged by: its log-likelihood of each held-out row. */
  interface Scored {
    double[] rowLogLikelihoods();

    /** The mean over the held-out rows. */
    default double logLikelihood() {
      return Arrays.stream(rowLogLikelihoods()).average().orElse(Double.NaN);
    }
  }

  /**
   * The least held-out log-likelihood gain per row that counts (nats), for held-out sets of many thousands of rows,
   * whose standard error falls below it: a gain no user would see is not worth another fit's time. With up to ~100
   * held-out rows twice the standard error is larger (0.02 or more on the bundled regression sets); on Chicago
   * ridership's 570 and Letter's 2,000 it did not decide either (README, Accuracy).
   */
  static final double LEAST_GAIN = 0.01;

  /** Scores a fit's network on the held-out rows. */
  interface Judge<S extends Scored> {
    S score(FittedNetwork network);
  }

  /**
   * Whether {@code longer} beats {@code shorter} on the held-out rows by more than their noise: the mean of the
   * paired per-row differences of log-likelihood (the judge scores the same cached rows in the same order) exceeds
   * twice its standard error. Two equally good lengths pass with probability ~2.5% (one-sided: P(t > 2) with n - 1
   * degrees of freedom, the mean of n >= 20 differences being near Gaussian by the central limit theorem), and with
   * 50-100 held-out rows a difference of a few hundredths of a nat, which such rows cannot resolve, does not pass,
   * while a fit that is still learning (tenths of a nat) does. The gain must also reach {@link #LEAST_GAIN}:
   * thousands of held-out rows resolve gains no user would see, and each doubling they started would cost as much
   * training again.
   */
  static boolean clearlyBetter(Scored longer, Scored shorter) {
    PairedDifference d = PairedDifference.of(longer, shorter);
    return d.rows >= 2 && d.mean > Math.max(2 * d.standardError, LEAST_GAIN);
  }

  /**
   * The mean over the held-out rows of a's log-likelihood minus b's (the judge scores the same cached rows in the
   * same order, so the differences pair up) and its standard error; NaN with fewer than two rows.
   */
  record PairedDifference(int rows, double mean, double standardError) {
    static PairedDifference of(Scored a, Scored b) {
      double[] x = a.rowLogLikelihoods();
      double[] y = b.rowLogLikelihoods();
      int n = x.length;
      if (n < 2) return new PairedDifference(n, Double.NaN, Double.NaN);
      double mean = 0;
      for (int i = 0; i < n; i++) mean += x[i] - y[i];
      mean /= n;
      double squares = 0;
      for (int i = 0; i < n; i++) squares += (x[i] - y[i] - mean) * (x[i] - y[i] - mean);
      return new PairedDifference(n, mean, Math.sqrt(squares / (n - 1) / n));
    }
  }

  private final StringBuilder scores = new StringBuilder();
  private final int fullEpochs;
  private final double fullScore;
  private FittedNetwork kept;
  private S best;
  private int keptEpochs;
  private boolean compared;

  /** The full length scored by {@code score}, then each shorter one in turn. */
  static <S extends Scored> LengthChoice<S> of(FittedNetwork full, List<ShorterFit> shorter, Judge<S> judge) {
    LengthChoice<S> lengths = new LengthChoice<>(full, judge.score(full));
    for (ShorterFit fit : shorter) lengths.consider(fit, judge.score(fit.network()));
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
    return kept.withNote("training length", note);
  }
}
