package org.sparkbnn.ml;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.sparkbnn.train.EpochSummary;

/**
 * A fit's progress in at most about {@value #LINES} lines: the first and the last epoch and every k-th one between,
 * each with epoch/total, the per-row -ELBO, NLL and KL, the throughput, the time so far and the time left. The
 * full history stays in the model's {@code trainingHistory()}.
 */
final class ProgressLog implements Consumer<EpochSummary> {
  static final int LINES = 20;

  private final Logger log;
  private final String prefix;
  private final int totalEpochs;
  private final int every;
  private final long start = System.nanoTime();
  private int firstSeen = -1;

  /** {@code name}: whose fit the lines are of (an ensemble member's, whose fits may run at once); null: none. */
  ProgressLog(Logger log, int totalEpochs, String name) {
    this.log = log;
    this.prefix = name == null ? "" : name + ", ";
    this.totalEpochs = totalEpochs;
    this.every = every(totalEpochs);
  }

  /** Every how many epochs a line is written so that a fit of {@code total} epochs writes at most LINES. */
  static int every(int total) {
    return Math.max(1, (total + LINES - 3) / (LINES - 2));
  }

  static boolean shouldLog(int epoch, int total, int every) {
    return epoch == 1 || epoch == total || epoch % every == 0;
  }

  @Override
  public void accept(EpochSummary e) {
    if (firstSeen < 0) firstSeen = e.epoch(); // a resumed fit starts its clock at its first epoch
    if (!shouldLog(e.epoch(), totalEpochs, every) && e.epoch() != firstSeen) return;
    double elapsed = (System.nanoTime() - start) / 1e9;
    int done = e.epoch() - firstSeen + 1;
    double left = elapsed / done * (totalEpochs - e.epoch());
    log.info(String.format("Bayes by Backprop %sepoch %d/%d: -ELBO/row %.5f, NLL/row %.5f, KL %.2f, %.0f rows/s,"
        + " %.1f s elapsed, about %.1f s left", prefix, e.epoch(), totalEpochs, e.negativeElbo(), e.nll(), e.kl(),
        e.rowsPerSecond(), elapsed, left));
  }
}
