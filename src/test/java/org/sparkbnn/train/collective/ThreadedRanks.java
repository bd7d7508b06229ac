package org.sparkbnn.train.collective;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The ranks of a collective as threads of this JVM, over loopback TCP or through memory (for tests). */
public final class ThreadedRanks {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();

  public enum Transport { TCP, MEMORY }

  /** What one rank does with its end of the exchange. */
  public interface Body<T> {
    T run(Exchange exchange) throws Exception;
  }

  private ThreadedRanks() {}

  /**
   * The failure to report of two ranks' failures: a rank whose own body failed, rather than the peers it left
   * behind, which fail only because it closed its end ("partition p left the collective"); the other is suppressed.
   */
  private static ExecutionException firstCause(ExecutionException kept, ExecutionException next) {
    if (kept == null) return next;
    boolean keptIsEcho = kept.getCause() instanceof CollectiveException;
    boolean nextIsEcho = next.getCause() instanceof CollectiveException;
    ExecutionException first = keptIsEcho && !nextIsEcho ? next : kept;
    ExecutionException other = first == kept ? next : kept;
    first.addSuppressed(other);
    return first;
  }

  /** Runs {@code body} on every rank at once; the results in rank order, or the failure firstCause picks. */
  public static <T> List<T> run(int size, Transport transport, Body<T> body) throws Exception {
    ServerSocketChannel[] listeners = new ServerSocketChannel[size];
    InetSocketAddress[] addresses = new InetSocketAddress[size];
    if (transport == Transport.TCP) {
      for (int r = 0; r < size; r++) {
        listeners[r] = PeerMesh.listen("127.0.0.1");
        addresses[r] = (InetSocketAddress) listeners[r].getLocalAddress();
      }
    }
    String key = UUID.randomUUID().toString();
    ExecutorService pool = Executors.newFixedThreadPool(size);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int r = 0; r < size; r++) {
        int rank = r;
        futures.add(pool.submit(() -> {
          try (Exchange exchange = transport == Transport.TCP
              ? PeerMesh.connect(rank, listeners[rank], addresses, SECRET, 30_000, () -> false)
              : SharedMemoryExchange.join(key, rank, size, 30_000, () -> false)) {
            return body.run(exchange);
          }
        }));
      }
      List<T> results = new ArrayList<>();
      ExecutionException cause = null;
      for (Future<T> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          cause = firstCause(cause, e);
        }
      }
      if (cause != null) throw cause;
      return results;
    } finally {
      pool.shutdownNow();
      for (ServerSocketChannel l : listeners) {
        if (l != null) l.close();
      }
    }
  }
}
