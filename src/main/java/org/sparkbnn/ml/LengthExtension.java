package org.sparkbnn.ml;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbnn.ml.NetworkTrainer.Members;
import org.sparkbnn.ml.NetworkTrainer.ShorterFit;

/**
 * lengthDoublings: a fit trains longer while its held-out rows say it is still learning. How many steps a data set
 * needs differs by an order of magnitude between sets of the same size (a small, smooth one such as UCI Yacht
 * under-fits badly after maxEpochs' 300 epochs; a small, wide one such as Tecator over-fits long before 2,000), so
 * no fixed count serves as a default, and the held-out rows that calibrate the model are the only honest signal.
 * A held-out set of 50-100 rows resolves tenths of a nat, not hundredths, so a longer fit is tried only when the
 * planned length clearly beat half of it, and kept only when it clearly beats the planned one
 * ({@link LengthChoice#clearlyBetter}): a fit that has levelled off costs nothing extra, and noise does not
 * lengthen it.
 */
final class LengthExtension {
  private static final Logger LOG = LoggerFactory.getLogger(LengthExtension.class);

  private LengthExtension() {}

  /**
   * {@code network} ({@code members}' fit), or the members continued to 2, 4, ... 2^doublings times its epochs,
   * each doubling while the last one clearly beat the length before it; the longer network carries a note of the
   * comparison for the report. {@code shorter} holds the planned length's half (without it the fit keeps its
   * length); {@code continued} gives null where the members cannot be continued by whole epochs (maxSteps).
   * {@code fitName} (null: none) names the fit in the log, when likelihood=auto fits two at once.
   */
  static FittedNetwork extend(FittedNetwork network, List<ShorterFit> shorter, LengthChoice.Judge<?> judge,
                              int doublings, Members members, BiFunction<Members, Integer, Members> continued,
                              Function<Members, FittedNetwork> asNetwork, String fitName) {
    String fit = fitName == null ? "" : fitName + " fit: ";
    int epochs = members.epochs();
    ShorterFit half = shorter.stream().filter(f -> f.epochs() == epochs / 2).findFirst().orElse(null);
    if (half == null || epochs < 2) return network;
    LengthChoice.Scored current = judge.score(network);
    LengthChoice.Scored before = judge.score(half.network());
    StringBuilder scores = new StringBuilder(String.format("%d: %.4f, %d: %.4f", half.epochs(),
        before.logLikelihood(), epochs, current.logLikelihood()));
    if (!LengthChoice.clearlyBetter(current, before)) {
      LOG.info("Bayes by Backprop: {}lengthDoublings: {} epochs, no clear gain on the held-out rows over {} (held-out"
          + " log-likelihood per row {}); not extended", fit, epochs, half.epochs(), scores);
      return network;
    }
    FittedNetwork kept = network;
    Members keptMembers = members;
    for (int d = 0; d < doublings; d++) {
      int longer = 2 * keptMembers.epochs();
      Members next = continued.apply(keptMembers, longer);
      if (next == null) {
        LOG.info("Bayes by Backprop: {}lengthDoublings: {} epochs would pass maxSteps; keeping {}", fit, longer,
            keptMembers.epochs());
        break;
      }
      FittedNetwork candidate = asNetwork.apply(next);
      LengthChoice.Scored score = judge.score(candidate);
      scores.append(String.format(", %d: %.4f", longer, score.logLikelihood()));
      if (!LengthChoice.clearlyBetter(score, current)) break;
      kept = candidate;
      keptMembers = next;
      current = score;
    }
    if (kept == network) {
      LOG.info("Bayes by Backprop: {}lengthDoublings: kept the planned {} epochs (held-out log-likelihood per row"
          + " {})", fit, epochs, scores);
      return network;
    }
    String note = String.format("lengthDoublings: trained %d epochs, %d planned (held-out log-likelihood per row"
        + " after %s)", keptMembers.epochs(), epochs, scores);
    LOG.info("Bayes by Backprop: {}{}", fit, note);
    return kept.withNote("training length", note);
  }
}
