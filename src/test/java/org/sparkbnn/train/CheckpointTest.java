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
