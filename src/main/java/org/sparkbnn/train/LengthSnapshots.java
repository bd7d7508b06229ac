package org.sparkbnn.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What a fit keeps of itself so that a caller can judge its length on held-out rows afterwards: the parameters
 * after shorter lengths fixed in advance (E/2, E/4, ... of its E epochs; earlyStopping compares them, and the
 * extension of lengthDoublings asks whether E beat E/2), and its whole state after E epochs, from which a longer fit
 * continues ({@link #continuing}) exactly as a fit planned that long would have gone on. Training never looks at the
 * held-out rows, and judging costs a few scorings instead of one every epoch. It wraps the fit's own
 * {@link Checkpointer}: it sees the completed epochs' states it needs, and passes on those the fit's checkpointer
 * asked for.
 */
public final class LengthSnapshots implements Checkpointer {
  private final Checkpointer checkpoints;
  private final TrainingState continueFrom;
  private final int fullEpochs;
  private final int[] epochs;
  private final int interval;
  private final Map<Integer, double[]> kept = new LinkedHashMap<>();
  private TrainingState end;

  /** Keeps the parameters after fullEpochs / 2^k epochs for k = 1..halvings, and the state after fullEpochs. */
  public LengthSnapshots(Checkpointer checkpoints, int fullEpochs, int halvings) {
    this(checkpoints, null, fullEpochs, halvings);
  }

  /**
   * A fit continued from {@code state} (the {@link #end} of a shorter one) to {@code fullEpochs}: its end is kept
   * for the next continuation. It writes no checkpoints: a fit restarted from its checkpoints redoes the planned
   * length first, and continues from there as before.
   */
  public static LengthSnapshots continuing(TrainingState state, int fullEpochs) {
    return new LengthSnapshots(NONE, state, fullEpochs, 0);
  }

  private LengthSnapshots(Checkpointer checkpoints, TrainingState continueFrom, int fullEpochs, int halvings) {
    this.checkpoints = checkpoints;
    this.continueFrom = continueFrom;
    this.fullEpochs = fullEpochs;
    this.epochs = shorterEpochs(fullEpochs, halvings);
    // The states saved are every epoch that is a multiple of this: those it needs and those the fit's checkpointer
    // asked for, without a copy of the state every epoch when it needs none in between.
    int every = IntStream.concat(IntStream.of(epochs), IntStream.of(fullEpochs)).reduce(LengthSnapshots::gcd)
        .getAsInt();
    this.interval = checkpoints.interval() == Integer.MAX_VALUE ? every : gcd(every, checkpoints.interval());
  }

  /** fullEpochs / 2^k for k = halvings..1 (rounded down), without repeats or zero: the shorter lengths kept. */
  static int[] shorterEpochs(int fullEpochs, int halvings) {
    return IntStream.rangeClosed(1, halvings).map(k -> fullEpochs >> (halvings + 1 - k)).filter(e -> e >= 1)
        .distinct().toArray();
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** The shorter lengths' parameters, by epochs trained, shortest first; one the fit resumed past is missing. */
  public Map<Integer, double[]> kept() {
    Map<Integer, double[]> ordered = new LinkedHashMap<>();
    for (int e : epochs) if (kept.containsKey(e)) ordered.put(e, kept.get(e));
    return ordered;
  }

  /** The state after all fullEpochs, or null when the fit did not complete its last epoch (maxSteps). */
  public TrainingState end() { return end; }

  @Override public int interval() { return interval; }

  @Override public TrainingState load() { return continueFrom != null ? continueFrom : checkpoints.load(); }

  @Override
  public void save(TrainingState state) {
    int done = state.epochsDone();
    if (Arrays.binarySearch(epochs, done) >= 0) kept.put(done, state.theta().clone());
    if (done == fullEpochs) end = state;
    if (done % checkpoints.interval() == 0) checkpoints.save(state);
  }

  @Override public boolean progressDue() { return checkpoints.progressDue(); }

  @Override public void saveProgress(TrainingState state) { checkpoints.saveProgress(state); }
}
