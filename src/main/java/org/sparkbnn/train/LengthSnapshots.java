package org.sparkbnn.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters after shorter training lengths than a fit's full one, kept while the fit runs so that a caller can
 * compare them on held-out rows afterwards: early stopping with candidates fixed in advance (E/8, E/4 and E/2 of
 * the full E epochs), so that training never looks at the held-out rows, and the choice costs a few scorings
 * instead of one every epoch. It wraps the fit's own {@link Checkpointer}: it sees every completed epoch's state,
 * keeps a candidate's parameters, and passes on to the fit's checkpointer the states it asked for.
 */
public final class LengthSnapshots implements Checkpointer {
  /** The candidates are the full length halved up to this many times. */
  private static final int HALVINGS = 3;

  private final Checkpointer checkpoints;
  private final Map<Integer, double[]> kept = new LinkedHashMap<>();
  private final int[] epochs;

  public LengthSnapshots(Checkpointer checkpoints, int fullEpochs) {
    this.checkpoints = checkpoints;
    this.epochs = shorterEpochs(fullEpochs);
  }

  /** fullEpochs / 2^k for k = HALVINGS..1 (rounded down), without repeats or zero: the shorter lengths tried. */
  static int[] shorterEpochs(int fullEpochs) {
    return java.util.stream.IntStream.rangeClosed(1, HALVINGS).map(k -> fullEpochs >> (HALVINGS + 1 - k))
        .filter(e -> e >= 1).distinct().toArray();
  }

  /** The shorter lengths' parameters, by epochs trained, shortest first; one the fit resumed past is missing. */
  public Map<Integer, double[]> kept() {
    Map<Integer, double[]> ordered = new LinkedHashMap<>();
    for (int e : epochs) if (kept.containsKey(e)) ordered.put(e, kept.get(e));
    return ordered;
  }

  /** Every epoch: a candidate's may come at any one. */
  @Override public int interval() { return 1; }

  @Override public TrainingState load() { return checkpoints.load(); }

  @Override
  public void save(TrainingState state) {
    if (Arrays.binarySearch(epochs, state.epochsDone()) >= 0) kept.put(state.epochsDone(), state.theta().clone());
    if (state.epochsDone() % checkpoints.interval() == 0) checkpoints.save(state);
  }

  @Override public boolean progressDue() { return checkpoints.progressDue(); }

  @Override public void saveProgress(TrainingState state) { checkpoints.saveProgress(state); }
}
