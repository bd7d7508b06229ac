package org.sparkbnn.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * likelihood=auto: whether the noise varies from row to row is a property of the data, not of the method. Measured
 * with the defaults (README, Accuracy), the heteroscedastic likelihood won 0.01-0.14 nats on four of six public
 * sets and lost 0.03-0.09 on two and on synthetic sets whose noise is constant, and 50 held-out rows choosing
 * between the two chose worse than the heteroscedastic fit alone on Boston. So both are fitted and, by default, kept
 * together: their equal mixture (one ensemble of both fits' members, {@link FittedNetwork#mixture}) averages two
 * differently regularised means (a better RMSE than the heteroscedastic fit's) and its variance hedges between the
 * noise models. A single fit replaces the mixture only where the held-out rows show it clearly better ({@link
 * LengthChoice#clearlyBetter}: by twice the paired standard error), as where the noise is clearly constant or
 * clearly varying; both clearly better keeps the higher. Without held-out rows the mixture is kept. A fit from an
 * initial model of one noise model keeps it (its output layer's shape depends on it); from a mixture, each of its
 * two fits is continued and the choice is made again.
 */
final class LikelihoodChoice {
  private static final Logger LOG = LoggerFactory.getLogger(LikelihoodChoice.class);
  static final String AUTO = "auto";
  /** The fit report's line for the choice. */
  static final String NOTE = "noise model (likelihood=auto)";

  private LikelihoodChoice() {}

  /** Fits of the given settings, each from its initial network (null: none), over the same rows. */
  interface Fits {
    List<NetworkTrainer.Trained> apply(List<FitSettings> settings, List<FittedNetwork> initials);
  }

  /**
   * {@code fit} with the likelihood the settings name, or, for auto, the candidate {@code judge} (null: no rows held
   * out) keeps; the choice and its scores are noted for the fit's report.
   */
  static NetworkTrainer.Trained fit(FitSettings settings, FittedNetwork initial, LengthChoice.Judge<?> judge,
                                    Fits fits) {
    if (!AUTO.equals(settings.likelihood())) {
      return one(fits, settings, initial == null ? null : initial.part(settings.likelihood()));
    }
    if (initial != null && initial.spec.homoscedasticMembers == 0) {
      return one(fits, settings.withLikelihood(initial.spec.likelihood), initial)
          .withNote(NOTE, initial.spec.likelihood + ", the initial model's");
    }
    // Both at once, over the same packed rows; a mixture initial model's fit of each is continued.
    List<NetworkTrainer.Trained> both = fits.apply(
        List.of(settings.withLikelihood(ModelSpec.HOMOSCEDASTIC), settings.withLikelihood(ModelSpec.HETEROSCEDASTIC)),
        Arrays.asList(initial == null ? null : initial.part(ModelSpec.HOMOSCEDASTIC),
            initial == null ? null : initial.part(ModelSpec.HETEROSCEDASTIC)));
    NetworkTrainer.Trained homoscedastic = both.get(0);
    NetworkTrainer.Trained heteroscedastic = both.get(1);
    NetworkTrainer.Trained[] candidates = {homoscedastic, heteroscedastic, mixture(homoscedastic, heteroscedastic)};
    String note;
    int kept = 2;
    if (judge == null) {
      note = ModelSpec.MIXTURE + ": no rows held out to choose with";
    } else {
      LengthChoice.Scored[] scored = new LengthChoice.Scored[candidates.length];
      for (int c = 0; c < candidates.length; c++) scored[c] = judge.score(candidates[c].network());
      for (int c = 0; c < 2; c++) {
        if (LengthChoice.clearlyBetter(scored[c], scored[2])
            && (kept == 2 || scored[c].logLikelihood() > scored[kept].logLikelihood())) {
          kept = c;
        }
      }
      note = String.format(java.util.Locale.ROOT, "%s (held-out log-likelihood per row: homoscedastic %.4f,"
          + " heteroscedastic %.4f, mixture %.4f)", candidates[kept].network().spec.noiseModel(),
          scored[0].logLikelihood(), scored[1].logLikelihood(), scored[2].logLikelihood());
    }
    LOG.info("Bayes by Backprop: likelihood=auto: {}", note);
    return candidates[kept].withNote(NOTE, note);
  }

  private static NetworkTrainer.Trained one(Fits fits, FitSettings settings, FittedNetwork initial) {
    return fits.apply(List.of(settings), Collections.singletonList(initial)).get(0);
  }

  /** The mixture of the two fits, and of their shorter lengths that both have (earlyStopping's candidates). */
  private static NetworkTrainer.Trained mixture(NetworkTrainer.Trained homoscedastic,
                                                NetworkTrainer.Trained heteroscedastic) {
    List<NetworkTrainer.ShorterFit> shorter = new ArrayList<>();
    for (NetworkTrainer.ShorterFit a : homoscedastic.shorter()) {
      for (NetworkTrainer.ShorterFit b : heteroscedastic.shorter()) {
        if (a.epochs() == b.epochs()) {
          shorter.add(new NetworkTrainer.ShorterFit(a.epochs(), FittedNetwork.mixture(a.network(), b.network())));
        }
      }
    }
    return new NetworkTrainer.Trained(FittedNetwork.mixture(homoscedastic.network(), heteroscedastic.network()),
        shorter);
  }
}
