package org.sparkbnn.train.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-memory exchange on its own: ranks as threads of this JVM. */
class SharedMemoryExchangeTest {

  @AfterEach
  void noBoardIsLeftBehind() {
    assertEquals(0, SharedMemoryExchange.openBoards(), "a board outlived its tasks");
  }

  /** The value rank {@code from} sends rank {@code to} at index i of round k. */
  private static int value(int from, int to, int round, int i) {
    return ((from * 31 + to) * 1_000_003 + round) * 17 + i;
  }

  /**
   * Three ranks run 3,000 rounds of messages whose length changes every round; at random one rank dawdles before
   * sending or before reading what it received, so a fast rank runs ahead as far as the exchange lets it. Every
   * message arrives intact in its round (a slot is rewritten two rounds later, only once every reader is past it),
   * and the work to do while waiting runs exactly once per round.
   */
  @Test
  void everyRoundDeliversItsOwnBytesHoweverTheRanksDrift() throws Exception {
    int size = 3;
    int rounds = 3_000;
    List<Integer> done = ThreadedRanks.run(size, ThreadedRanks.Transport.MEMORY, exchange -> {
      int rank = exchange.rank();
      SplittableRandom random = new SplittableRandom(rank);
      AtomicInteger alongside = new AtomicInteger();
      for (int k = 0; k < rounds; k++) {
        ByteBuffer[] out = new ByteBuffer[size];
        int ints = 1 + (k * 7 + rank) % 50;
        for (int j = 0; j < size; j++) {
          ByteBuffer b = ByteBuffer.allocate(4 * ints);
          for (int i = 0; i < ints; i++) b.putInt(value(rank, j, k, i));
          out[j] = b.flip();
        }
        if (random.nextInt(50) == 0) LockSupport.parkNanos(random.nextInt(300_000));
        ByteBuffer[] in = exchange.exchange(out, "in round " + k, alongside::incrementAndGet);
        if (random.nextInt(50) == 0) LockSupport.parkNanos(random.nextInt(300_000));
        assertNull(in[rank]);
        for (int p = 0; p < size; p++) {
          if (p == rank) continue;
          int expected = 1 + (k * 7 + p) % 50;
          assertEquals(4 * expected, in[p].remaining(), "length from " + p + " in round " + k);
          for (int i = 0; i < expected; i++) {
            assertEquals(value(p, rank, k, i), in[p].getInt(4 * i), "from " + p + " in round " + k);
          }
        }
        assertEquals(k + 1, alongside.get());
      }
      return rounds;
    });
    assertEquals(List.of(rounds, rounds, rounds), done);
  }

  /** A peer that never sends fails the round after the timeout, naming it, not before. */
  @Test
  void aSilentPeerFailsTheRoundAfterTheTimeoutNamingIt() {
    String key = UUID.randomUUID().toString();
    try (SharedMemoryExchange silent = SharedMemoryExchange.join(key, 1, 2, 300, () -> false);
         SharedMemoryExchange waiting = SharedMemoryExchange.join(key, 0, 2, 300, () -> false)) {
      long start = System.nanoTime();
      CollectiveException e = assertThrows(CollectiveException.class,
          () -> waiting.exchange(new ByteBuffer[] {null, ByteBuffer.allocate(4)}, "in the all-reduce of step 7"));
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(e.isTimeout());
      assertTrue(e.getMessage().contains("partition(s) [1]") && e.getMessage().contains("step 7"), e.getMessage());
      assertTrue(seconds >= 0.3 && seconds < 10, "failed after " + seconds + " s");
    }
  }

  /** A peer whose task ended (it closed its end) fails the round at once, and not as a timeout. */
  @Test
  void aPeerThatLeavesFailsTheRoundAtOnce() {
    String key = UUID.randomUUID().toString();
    try (SharedMemoryExchange waiting = SharedMemoryExchange.join(key, 0, 2, 60_000, () -> false)) {
      SharedMemoryExchange.join(key, 1, 2, 60_000, () -> false).close();
      long start = System.nanoTime();
      CollectiveException e = assertThrows(CollectiveException.class,
          () -> waiting.exchange(new ByteBuffer[] {null, ByteBuffer.allocate(4)}, "in a test"));
      assertFalse(e.isTimeout());
      assertTrue(e.getMessage().contains("partition 1 left"), e.getMessage());
      assertTrue((System.nanoTime() - start) / 1e9 < 10);
    }
  }

  /** A cancelled task stops waiting within a slice. */
  @Test
  void aCancelledTaskStopsWaiting() {
    String key = UUID.randomUUID().toString();
    try (SharedMemoryExchange silent = SharedMemoryExchange.join(key, 1, 2, 60_000, () -> false);
         SharedMemoryExchange cancelled = SharedMemoryExchange.join(key, 0, 2, 60_000, () -> true)) {
      CollectiveException e = assertThrows(CollectiveException.class,
          () -> cancelled.exchange(new ByteBuffer[] {null, ByteBuffer.allocate(4)}, "in a test"));
      assertFalse(e.isTimeout());
      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
    }
  }

  /** Tasks that are threads of one JVM find that out over their TCP mesh (all of them, the same answer). */
  @Test
  void tasksOfOneJvmRecogniseEachOther() throws Exception {
    List<Integer> answers = ThreadedRanks.run(3, ThreadedRanks.Transport.TCP,
        mesh -> SharedMemoryExchange.tasksInThisJvm((PeerMesh) mesh));
    assertEquals(List.of(3, 3, 3), answers);
  }
}
