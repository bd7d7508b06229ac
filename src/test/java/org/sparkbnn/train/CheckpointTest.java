package org.sparkbnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.input.BadInputException;

/**
 * A training run that crashes after a checkpoint and is started again ends with exactly the parameters of an
 * uninterrupted run; checkpoints are written atomically and only resumed by the same configuration and data.
 */
class CheckpointTest {
  @TempDir Path dir;
  private static final Map<String, String> FINGERPRINT = Map.of("hiddenLayers", "[8]", "seed", "5");

  private HadoopCheckpointer checkpointer(Map<String, String> fingerprint) {
    return new HadoopCheckpointer(dir.toString(), 2, fingerprint, new Configuration());
  }

  @Test
  void resumedRunEqualsUninterruptedRun() {
    TrainingLoop.Result uninterrupted = TrainingLoopTest.train(7, 0);

    RuntimeException crash = assertThrows(RuntimeException.class, () -> TrainingLoopTest.train(7, 0, e -> {
      if (e.epoch() == 5) throw new RuntimeException("simulated driver crash in epoch 5");
    }, checkpointer(FINGERPRINT)));
    assertTrue(crash.getMessage().contains("simulated"));
    TrainingState saved = checkpointer(FINGERPRINT).load();
    assertEquals(4, saved.epochsDone(), "checkpoints after epochs 2 and 4; the crash came before a third");
    // (.crc files are the local Hadoop file system's checksums.)
    assertEquals(Arrays.asList(HadoopCheckpointer.FILE), Arrays.stream(new File(dir.toString()).list())
        .filter(n -> !n.endsWith(".crc")).collect(java.util.stream.Collectors.toList()),
        "no temporary or previous checkpoint files are left behind");

    int[] epochsRun = {0};
    TrainingLoop.Result resumed = TrainingLoopTest.train(7, 0, e -> epochsRun[0]++, checkpointer(FINGERPRINT));
    assertEquals(3, epochsRun[0], "resumes at epoch 5");
    assertEquals(7, resumed.history.size());
    assertArrayEquals(uninterrupted.theta, resumed.theta, 0.0);
  }

  /**
   * A state taken inside an epoch (as a collective fit's rank 0 sends one every few seconds) continues that epoch:
   * resumed from the state after step 2 of epoch 3 (4 steps an epoch), the run ends with the uninterrupted run's
   * parameters bit for bit and the same per-epoch losses, the interrupted epoch's included.
   */
  @Test
  void aStateFromInsideAnEpochContinuesItExactly() {
    TrainingLoop.Result uninterrupted = TrainingLoopTest.train(7, 0);
    java.util.List<TrainingState> progress = new java.util.ArrayList<>();
    TrainingLoopTest.train(7, 0, e -> { }, new Checkpointer() {
      @Override public int interval() { return Integer.MAX_VALUE; }
      @Override public TrainingState load() { return null; }
      @Override public void save(TrainingState state) { }
      @Override public boolean progressDue() { return true; }
      @Override public void saveProgress(TrainingState state) { progress.add(state); }
    });
    assertEquals(7 * 3, progress.size(), "a state after every step but an epoch's last");
    TrainingState inside = progress.get(2 * 3 + 1);
    assertEquals(2, inside.epochsDone());
    assertEquals(2, inside.stepsInEpoch());

    TrainingLoop.Result resumed = TrainingLoopTest.train(7, 0, e -> { }, new Checkpointer() {
      @Override public int interval() { return Integer.MAX_VALUE; }
      @Override public TrainingState load() { return inside; }
      @Override public void save(TrainingState state) { }
    });
    assertArrayEquals(uninterrupted.theta, resumed.theta, 0.0);
    assertEquals(uninterrupted.timings.steps() - (2 * 4 + 2), resumed.timings.steps(), "only the steps left");
    for (int e = 0; e < 7; e++) {
      assertEquals(uninterrupted.history.get(e).negativeElbo(), resumed.history.get(e).negativeElbo(), 0.0);
      assertEquals(uninterrupted.history.get(e).nll(), resumed.history.get(e).nll(), 0.0);
      assertEquals(uninterrupted.history.get(e).kl(), resumed.history.get(e).kl(), 0.0);
    }
  }

  /**
   * The codec carries a state from inside an epoch, and still reads the format written before it could (no steps
   * into an epoch: the stream ends after the history), which is what older checkpoint files hold.
   */
  @Test
  void theStateCodecCarriesTheStepsIntoAnEpochAndReadsTheOlderFormat() throws Exception {
    TrainingState inside = new TrainingState(3, new double[] {1, 2}, new double[] {0.1, 0.2}, new double[] {0.01, 0.02},
        17, java.util.List.of(new EpochSummary(1, 5, 4, 3, 100)), 2, new double[] {1.5, 2.5, 3.5});
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    TrainingStateCodec.write(new java.io.DataOutputStream(bytes), inside);
    byte[] encoded = bytes.toByteArray();
    TrainingState read = TrainingStateCodec.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(encoded)));
    assertEquals(2, read.stepsInEpoch());
    assertArrayEquals(inside.epochSums(), read.epochSums(), 0.0);
    assertArrayEquals(inside.theta(), read.theta(), 0.0);
    assertEquals(inside.history(), read.history());
    // The older format: the same bytes without the appended 8 + 3 x 8.
    byte[] older = Arrays.copyOf(encoded, encoded.length - 32);
    TrainingState old = TrainingStateCodec.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(older)));
    assertEquals(0, old.stepsInEpoch());
    assertEquals(3, old.epochsDone());
    assertArrayEquals(inside.adamSecondMoment(), old.adamSecondMoment(), 0.0);
  }

  @Test
  void checkpointOfAnotherConfigurationIsRefusedNamingTheDifference() {
    TrainingLoopTest.train(2, 0, e -> { }, checkpointer(FINGERPRINT));
    BadInputException e = assertThrows(BadInputException.class,
        () -> checkpointer(Map.of("hiddenLayers", "[16]", "seed", "5")).load());
    assertTrue(e.getMessage().contains("hiddenLayers was [8], now [16]") && !e.getMessage().contains("seed"),
        e.getMessage());
  }

  @Test
  void aFileThatIsNotACheckpointIsRefused() throws Exception {
    Files.writeString(dir.resolve(HadoopCheckpointer.FILE), "something else entirely");
    BadInputException e = assertThrows(BadInputException.class, () -> checkpointer(FINGERPRINT).load());
    assertTrue(e.getMessage().contains("not a spark-bnn checkpoint"), e.getMessage());
  }

  @Test
  void aCrashBetweenTheRenamesLeavesThePreviousCheckpoint() throws Exception {
    TrainingLoopTest.train(2, 0, e -> { }, checkpointer(FINGERPRINT));
    Files.move(dir.resolve(HadoopCheckpointer.FILE), dir.resolve("." + HadoopCheckpointer.FILE + ".previous"));
    assertEquals(2, checkpointer(FINGERPRINT).load().epochsDone());
  }
}
