package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shorter training lengths a fit keeps for earlyStopping, and that keeping them changes nothing else. */
class LengthSnapshotsTest {

  @Test
  void theCandidatesAreTheFullLengthHalvedUpToThreeTimes() {
    assertArrayEquals(new int[] {37, 75, 150}, LengthSnapshots.shorterEpochs(300));
    assertArrayEquals(new int[] {1, 2}, LengthSnapshots.shorterEpochs(4));
    assertArrayEquals(new int[] {1}, LengthSnapshots.shorterEpochs(3));
    assertArrayEquals(new int[0], LengthSnapshots.shorterEpochs(1));
  }

  /**
   * A kept length's parameters are bit for bit those of a fit that ran that many epochs (the path of a longer fit
   * begins with the shorter one's), and the fit's own result and checkpoints are those it has without them.
   */
  @Test
  void aKeptLengthIsTheFitOfThatManyEpochsAndTheFitIsUnchanged() {
    List<Integer> savedWithout = new ArrayList<>();
    TrainingLoop.Result without = TrainingLoopTest.train(16, 0, e -> { }, recording(savedWithout, 5));
    List<Integer> savedWith = new ArrayList<>();
    LengthSnapshots lengths = new LengthSnapshots(recording(savedWith, 5), 16);
    TrainingLoop.Result with = TrainingLoopTest.train(16, 0, e -> { }, lengths);

    assertArrayEquals(without.theta, with.theta, 0.0);
    assertEquals(List.of(5, 10, 15), savedWith, "the fit's checkpointer gets the states it asked for, no more");
    assertEquals(savedWithout, savedWith);
    Map<Integer, double[]> kept = lengths.kept();
    assertEquals(List.of(2, 4, 8), List.copyOf(kept.keySet()));
    for (int epochs : kept.keySet()) {
      assertArrayEquals(TrainingLoopTest.train(epochs, 0).theta, kept.get(epochs), 0.0, epochs + " epochs");
    }
  }

  /** A checkpointer that records the epochs it is handed, every {@code interval}. */
  private static Checkpointer recording(List<Integer> saved, int interval) {
    return new Checkpointer() {
      @Override public int interval() { return interval; }
      @Override public TrainingState load() { return null; }
      @Override public void save(TrainingState state) { saved.add(state.epochsDone()); }
    };
  }
}
