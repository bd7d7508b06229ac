package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shorter training lengths a fit keeps (earlyStopping, lengthDoublings) and the end state a longer fit continues
 * from, and that keeping them changes nothing else.
 */
class LengthSnapshotsTest {

  @Test
  void theCandidatesAreTheFullLengthHalvedUpToTheGivenTimes() {
    assertArrayEquals(new int[] {37, 75, 150}, LengthSnapshots.shorterEpochs(300, 3));
    assertArrayEquals(new int[] {150}, LengthSnapshots.shorterEpochs(300, 1));
    assertArrayEquals(new int[0], LengthSnapshots.shorterEpochs(300, 0));
    assertArrayEquals(new int[] {1, 2}, LengthSnapshots.shorterEpochs(4, 3));
    assertArrayEquals(new int[] {1}, LengthSnapshots.shorterEpochs(3, 3));
    assertArrayEquals(new int[0], LengthSnapshots.shorterEpochs(1, 3));
  }

  /** States are taken only at the epochs needed: every multiple of the gcd of those and the fit's own interval. */
  @Test
  void itAsksForStatesOnlyAtTheEpochsItNeeds() {
    assertEquals(150, new LengthSnapshots(Checkpointer.NONE, 300, 1).interval());
    assertEquals(10, new LengthSnapshots(recording(new ArrayList<>(), 10), 300, 1).interval());
    assertEquals(1, new LengthSnapshots(Checkpointer.NONE, 300, 3).interval(), "37 is prime to 300");
    assertEquals(300, new LengthSnapshots(Checkpointer.NONE, 300, 0).interval());
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
    LengthSnapshots lengths = new LengthSnapshots(recording(savedWith, 5), 16, 3);
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

  /**
   * A fit continued from the end of a shorter one is bit for bit the fit planned that long from the start (the
   * same steps: Adam's moments and step count, the history and every minibatch carry on), and it writes no
   * checkpoints of its own.
   */
  @Test
  void aContinuedFitIsTheFitPlannedThatLong() {
    LengthSnapshots planned = new LengthSnapshots(Checkpointer.NONE, 16, 1);
    TrainingLoop.Result shorter = TrainingLoopTest.train(16, 0, e -> { }, planned);
    TrainingState end = planned.end();
    assertEquals(16, end.epochsDone());
    assertArrayEquals(shorter.theta, end.theta(), 0.0);

    LengthSnapshots continued = LengthSnapshots.continuing(end, 32);
    TrainingLoop.Result longer = TrainingLoopTest.train(32, 0, e -> { }, continued);
    TrainingLoop.Result direct = TrainingLoopTest.train(32, 0);
    assertArrayEquals(direct.theta, longer.theta, 0.0);
    assertEquals(direct.history.size(), longer.history.size());
    for (int e = 0; e < 32; e++) {
      assertEquals(direct.history.get(e).negativeElbo(), longer.history.get(e).negativeElbo(), 0.0, "epoch " + e);
    }
    assertEquals(32, continued.end().epochsDone());
    assertArrayEquals(direct.theta, continued.end().theta(), 0.0);
  }

  /** A fit cut short inside its last epoch (maxSteps) has no end state to continue from. */
  @Test
  void aFitCutShortHasNoEnd() {
    LengthSnapshots lengths = new LengthSnapshots(Checkpointer.NONE, 16, 1);
    // 40 rows at batch 10: 4 steps an epoch; 62 steps end inside epoch 16.
    TrainingLoop.Result result = TrainingLoopTest.train(16, 62, e -> { }, lengths);
    assertEquals(16, result.history.size());
    assertNull(lengths.end());
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
