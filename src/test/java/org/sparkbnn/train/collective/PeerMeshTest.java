package org.sparkbnn.train.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transport on its own: ranks as threads of this JVM over loopback. The parameterised tests run with and without
 * the polling that a task alone in its JVM does before it blocks: the same frames, order and timeouts either way.
 */
class PeerMeshTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();

  private static ServerSocketChannel[] listeners(int size) throws IOException {
    ServerSocketChannel[] listeners = new ServerSocketChannel[size];
    for (int r = 0; r < size; r++) listeners[r] = PeerMesh.listen("127.0.0.1");
    return listeners;
  }

  private static InetSocketAddress[] addresses(ServerSocketChannel[] listeners) throws IOException {
    InetSocketAddress[] addresses = new InetSocketAddress[listeners.length];
    for (int r = 0; r < listeners.length; r++) addresses[r] = (InetSocketAddress) listeners[r].getLocalAddress();
    return addresses;
  }

  /**
   * Three ranks exchange 8 MB messages with each other at once, far beyond the sockets' buffers: with blocking
   * writes every rank would wait for a reader that is itself writing. Every payload arrives intact.
   */
  @ParameterizedTest(name = "polling {0}")
  @ValueSource(booleans = {false, true})
  void largeSimultaneousExchangesCompleteIntact(boolean poll) throws Exception {
    int size = 3;
    int floats = 2_000_000;
    ServerSocketChannel[] listeners = listeners(size);
    InetSocketAddress[] addresses = addresses(listeners);
    // A stranger without the secret connects first to rank 0 and is ignored.
    try (Socket stranger = new Socket("127.0.0.1", addresses[0].getPort())) {
      OutputStream out = stranger.getOutputStream();
      Frames.write(out, ByteBuffer.allocate(SECRET.length + 4).putInt(SECRET.length, 2).array());
      ExecutorService pool = Executors.newFixedThreadPool(size);
      try {
        List<Future<String>> results = new ArrayList<>();
        for (int r = 0; r < size; r++) {
          int rank = r;
          results.add(pool.submit(() -> {
            try (PeerMesh mesh = PeerMesh.connect(rank, listeners[rank], addresses, SECRET, 30_000, () -> false)) {
              mesh.pollBeforeBlocking(poll);
              ByteBuffer[] outgoing = new ByteBuffer[size];
              for (int j = 0; j < size; j++) {
                ByteBuffer b = ByteBuffer.allocate(4 * floats);
                for (int i = 0; i < floats; i++) b.putFloat(rank * 10 + j + i);
                outgoing[j] = b.flip();
              }
              ByteBuffer[] in = mesh.exchange(outgoing, "in a test");
              for (int p = 0; p < size; p++) {
                if (p == rank) continue;
                assertEquals(4 * floats, in[p].remaining());
                for (int i = 0; i < floats; i += 99_991) assertEquals(p * 10 + rank + i, in[p].getFloat(4 * i), 0f);
              }
              return "ok";
            }
          }));
        }
        for (Future<String> f : results) assertEquals("ok", f.get());
      } finally {
        pool.shutdownNow();
        for (ServerSocketChannel l : listeners) l.close();
      }
    }
  }

  /**
   * The work a task does while it waits runs once it has sent and before the late peer's frame arrives: rank 1
   * sends 300 ms late, and rank 0's work must have run before rank 1 even started sending. Rank 1, which never
   * waits (rank 0's frame is there when it looks), runs its work after its exchange.
   */
  @ParameterizedTest(name = "polling {0}")
  @ValueSource(booleans = {false, true})
  void workAlongsideRunsWhileWaitingForALatePeerAndExactlyOnce(boolean poll) throws Exception {
    ServerSocketChannel[] listeners = listeners(2);
    InetSocketAddress[] addresses = addresses(listeners);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    long[] workRanAt = new long[2];
    long[] sendStartedAt = new long[2];
    int[] runs = new int[2];
    try {
      List<Future<Long>> received = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        int rank = r;
        received.add(pool.submit(() -> {
          try (PeerMesh mesh = PeerMesh.connect(rank, listeners[rank], addresses, SECRET, 10_000, () -> false)) {
            mesh.pollBeforeBlocking(poll);
            if (rank == 1) Thread.sleep(300);
            ByteBuffer[] out = new ByteBuffer[2];
            out[1 - rank] = ByteBuffer.allocate(8).putLong(0, 100 + rank);
            sendStartedAt[rank] = System.nanoTime();
            ByteBuffer[] in = mesh.exchange(out, "in a test", () -> {
              workRanAt[rank] = System.nanoTime();
              runs[rank]++;
            });
            return in[1 - rank].getLong(0);
          }
        }));
      }
      assertEquals(101L, received.get(0).get());
      assertEquals(100L, received.get(1).get());
      assertEquals(1, runs[0]);
      assertEquals(1, runs[1]);
      assertTrue(workRanAt[0] < sendStartedAt[1], "rank 0's work ran only after the late peer began to send");
    } finally {
      pool.shutdownNow();
      for (ServerSocketChannel l : listeners) l.close();
    }
  }

  @ParameterizedTest(name = "polling {0}")
  @ValueSource(booleans = {false, true})
  void aSilentPeerFailsTheExchangeWithinTheTimeoutNamingIt(boolean poll) throws Exception {
    ServerSocketChannel[] listeners = listeners(2);
    InetSocketAddress[] addresses = addresses(listeners);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<PeerMesh> silent = pool.submit(() -> PeerMesh.connect(1, listeners[1], addresses, SECRET, 5_000,
          () -> false));
      try (PeerMesh mesh = PeerMesh.connect(0, listeners[0], addresses, SECRET, 1_000, () -> false)) {
        mesh.pollBeforeBlocking(poll);
        long start = System.nanoTime();
        ByteBuffer[] out = {null, ByteBuffer.allocate(4)};
        CollectiveException e = org.junit.jupiter.api.Assertions.assertThrows(CollectiveException.class,
            () -> mesh.exchange(out, "in step 7"));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(e.isTimeout() && e.getMessage().contains("partition(s) [1]") && e.getMessage().contains("step 7"),
            e.getMessage());
        assertTrue(seconds >= 0.9 && seconds < 3, "timed out after " + seconds + " s");
      } finally {
        silent.get().close();
      }
    } finally {
      pool.shutdownNow();
      for (ServerSocketChannel l : listeners) l.close();
    }
  }

  @Test
  void aPeerThatClosesIsReportedAsClosedNotAsATimeout() throws IOException {
    ServerSocketChannel[] listeners = listeners(2);
    InetSocketAddress[] addresses = addresses(listeners);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<PeerMesh> other = pool.submit(() -> PeerMesh.connect(1, listeners[1], addresses, SECRET, 5_000,
          () -> false));
      try (PeerMesh mesh = PeerMesh.connect(0, listeners[0], addresses, SECRET, 5_000, () -> false)) {
        other.get().close();
        CollectiveException e = org.junit.jupiter.api.Assertions.assertThrows(CollectiveException.class,
            () -> mesh.exchange(new ByteBuffer[] {null, ByteBuffer.allocate(4)}, "in step 2"));
        assertTrue(!e.isTimeout(), e.getMessage());
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
      for (ServerSocketChannel l : listeners) l.close();
    }
  }
}
