package org.sparkbnn.train.collective;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One TCP connection between every pair of the fit's tasks, and {@link #exchange}: every task sends one frame to
 * every other and receives one from each, driven by a single selector on the task's own thread, so no write can
 * block while a peer is also writing (no deadlock whatever the message size) and no thread is left behind.
 * Every wait is bounded by the collective timeout and notices when Spark cancels the task.
 */
public final class PeerMesh implements Exchange {
  private final int rank;
  private final int size;
  private final SocketChannel[] peers;
  private final Selector selector;
  private final long timeoutMillis;
  private final BooleanSupplier interrupted;
  private final ByteBuffer[] headers;
  private final ByteBuffer[] received;

  private PeerMesh(int rank, SocketChannel[] peers, long timeoutMillis, BooleanSupplier interrupted)
      throws IOException {
    this.rank = rank;
    this.size = peers.length;
    this.peers = peers;
    this.timeoutMillis = timeoutMillis;
    this.interrupted = interrupted;
    this.selector = Selector.open();
    this.headers = new ByteBuffer[size];
    this.received = new ByteBuffer[size];
    for (int j = 0; j < size; j++) {
      headers[j] = ByteBuffer.allocate(Frames.HEADER_BYTES);
      if (j != rank) peers[j].configureBlocking(false);
    }
  }

  @Override public int rank() { return rank; }
  @Override public int size() { return size; }

  /** Opens this task's listening socket on {@code host} (an ephemeral port). */
  public static ServerSocketChannel listen(String host) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open();
    listener.bind(new InetSocketAddress(host, 0), 64);
    listener.socket().setSoTimeout(Deadline.SLICE_MILLIS);
    return listener;
  }

  /**
   * Connects to every lower rank and accepts every higher one on {@code listener}; each connection starts with the
   * fit's secret and the connecting rank, and one without the secret is closed unanswered.
   */
  public static PeerMesh connect(int rank, ServerSocketChannel listener, InetSocketAddress[] addresses, byte[] secret,
                                 long timeoutMillis, BooleanSupplier interrupted) {
    int size = addresses.length;
    SocketChannel[] peers = new SocketChannel[size];
    Deadline deadline = new Deadline(timeoutMillis, interrupted, "while connecting the tasks (rank " + rank + ")");
    try {
      for (int j = 0; j < rank; j++) {
        SocketChannel ch = SocketChannel.open();
        peers[j] = ch;
        ch.socket().setTcpNoDelay(true);
        ch.socket().connect(addresses[j], (int) Math.max(1, deadline.remainingMillis()));
        ByteBuffer hello = ByteBuffer.allocate(secret.length + 4).put(secret).putInt(rank);
        Frames.write(ch.socket().getOutputStream(), hello.array());
      }
      int expected = size - 1 - rank;
      while (expected > 0) {
        SocketChannel ch;
        try {
          ch = listener.socket().accept().getChannel();
        } catch (SocketTimeoutException slice) {
          deadline.check("the tasks of rank > " + rank);
          continue;
        }
        ch.socket().setTcpNoDelay(true);
        ch.socket().setSoTimeout(Deadline.SLICE_MILLIS);
        int from = helloRank(ch, secret, deadline);
        if (from <= rank || from >= size || peers[from] != null) {
          ch.close(); // a stranger, or a duplicate: not part of this fit
          continue;
        }
        peers[from] = ch;
        expected--;
      }
      return new PeerMesh(rank, peers, timeoutMillis, interrupted);
    } catch (IOException | RuntimeException e) {
      for (SocketChannel ch : peers) closeQuietly(ch);
      if (e instanceof CollectiveException) throw (CollectiveException) e;
      throw new CollectiveException("cannot connect rank " + rank + " to its peers: " + e, e);
    }
  }

  /** The rank a new connection announces, or -1 if it does not know the secret. */
  private static int helloRank(SocketChannel ch, byte[] secret, Deadline deadline) throws IOException {
    byte[] hello;
    try {
      hello = Frames.read(ch.socket().getInputStream(), deadline, "a connecting task");
    } catch (CollectiveException e) {
      if (e.isTimeout()) throw e;
      return -1;
    }
    if (hello.length != secret.length + 4) return -1;
    byte[] offered = java.util.Arrays.copyOf(hello, secret.length);
    if (!MessageDigest.isEqual(offered, secret)) return -1;
    return ByteBuffer.wrap(hello, secret.length, 4).getInt();
  }

  /**
   * How long a waiting task polls its sockets before it blocks in the selector, when it is the only task of the fit
   * in its JVM ({@link #pollBeforeBlocking}). A task that blocks gives up its (virtual) CPU, and waking it when the
   * peer's frame arrived took a large part of a step on the 2-vCPU test VMs: two executors of one task each,
   * 2026-12-07 ({@code jobs/bnn benchmark}, local-cluster[2,1,3072]), plain reparameterisation 943,371 rows/s without
   * polling, 1,500,103 / 1,756,348 / 1,423,175 with 0.3 / 0.5 / 1 ms of it; the local reparameterisation trick
   * 912,730 against 1,212,847 / 1,186,142 / 1,289,276. Tasks that share a JVM block at once: between two threads
   * of one JVM, polling made the all-reduce of 10,000 parameters over loopback 3-10 times slower (0.05-0.07 ms
   * against 0.15-0.66), for a reason not found.
   */
  private static final long POLL_NANOS = 500_000L;
  private long pollNanos;

  /** Whether a waiting task polls for {@link #POLL_NANOS} before it blocks (off until set). */
  public void pollBeforeBlocking(boolean poll) {
    pollNanos = poll ? POLL_NANOS : 0;
  }

  /**
   * The rule a fit (and the benchmark timing its exchange) follows: poll only when this task is the fit's one task in
   * its JVM ({@link SharedMemoryExchange#tasksInThisJvm}); see {@link #POLL_NANOS} for why.
   */
  public void pollIfAloneInJvm(int tasksInThisJvm) {
    pollBeforeBlocking(tasksInThisJvm == 1);
  }

  /**
   * {@link Exchange#exchange}: {@code whileWaiting} runs as soon as everything is sent while a peer's frame is still
   * to come, or, if none is by then, after the round; then the task polls as {@link #pollBeforeBlocking} says,
   * and blocks.
   */
  @Override
  public ByteBuffer[] exchange(ByteBuffer[] out, String during, Runnable whileWaiting) {
    Deadline deadline = new Deadline(timeoutMillis, interrupted, during);
    ByteBuffer[] outHeaders = new ByteBuffer[size];
    boolean[] readingPayload = new boolean[size];
    int sending = 0;
    int receiving = 0;
    Runnable waitingWork = whileWaiting;
    try {
      for (int j = 0; j < size; j++) {
        if (j == rank) continue;
        outHeaders[j] = Frames.header(out[j], ByteBuffer.allocate(Frames.HEADER_BYTES));
        headers[j].clear();
        peers[j].register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE, j);
        sending++;
        receiving++;
      }
      long pollEnd = System.nanoTime() + pollNanos;
      while (sending + receiving > 0) {
        boolean polling = System.nanoTime() < pollEnd;
        if (polling) {
          if (selector.selectNow() == 0) Thread.onSpinWait();
        } else {
          selector.select(Deadline.SLICE_MILLIS);
        }
        for (SelectionKey key : selector.selectedKeys()) {
          int j = (Integer) key.attachment();
          SocketChannel ch = peers[j];
          if (key.isValid() && key.isWritable()) {
            ch.write(new ByteBuffer[] {outHeaders[j], out[j]});
            if (!outHeaders[j].hasRemaining() && !out[j].hasRemaining()) {
              key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
              sending--;
            }
          }
          if (key.isValid() && key.isReadable() && readFrom(j, readingPayload)) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
            receiving--;
          }
        }
        selector.selectedKeys().clear();
        if (waitingWork != null && sending == 0 && receiving > 0) {
          waitingWork.run();
          waitingWork = null;
          pollEnd = System.nanoTime() + pollNanos;
        }
        if (!polling && sending + receiving > 0) deadline.check(silentPeers());
      }
    } catch (IOException e) {
      throw new CollectiveException("partition " + rank + ": a peer's connection failed " + during + ": " + e, e);
    } finally {
      for (SelectionKey key : selector.keys()) key.cancel();
      try {
        selector.selectNow(); // deregisters the cancelled keys, so the channels can be registered again
      } catch (IOException ignored) {
        // the selector is closed with the mesh
      }
    }
    if (waitingWork != null) waitingWork.run();
    return received;
  }

  /** Reads from peer j; true once its whole frame is in {@code received[j]} (position 0, limit = length). */
  private boolean readFrom(int j, boolean[] readingPayload) throws IOException {
    SocketChannel ch = peers[j];
    if (!readingPayload[j]) {
      if (ch.read(headers[j]) < 0) throw closed(j);
      if (headers[j].hasRemaining()) return false;
      headers[j].flip();
      int length = Frames.checkedLength(headers[j].getInt(), "partition " + j);
      // Direct: the socket reads into it without a copy through the JDK's temporary direct buffer.
      if (received[j] == null || received[j].capacity() < length) received[j] = ByteBuffer.allocateDirect(length);
      received[j].clear().limit(length);
      readingPayload[j] = true;
    }
    if (ch.read(received[j]) < 0) throw closed(j);
    if (received[j].hasRemaining()) return false;
    received[j].flip();
    Frames.checkCrc(received[j], headers[j].getInt(4), "partition " + j);
    return true;
  }

  /** A peer's task or executor ended: not a timeout, so Spark's rerun of the stage may succeed. */
  private static CollectiveException closed(int partition) {
    return new CollectiveException("partition " + partition + " closed its connection", false);
  }

  /** The peers whose frame has not fully arrived, for the timeout's message. */
  private String silentPeers() {
    List<Integer> silent = new ArrayList<>();
    for (SelectionKey key : selector.keys()) {
      if (key.isValid() && (key.interestOps() & SelectionKey.OP_READ) != 0) silent.add((Integer) key.attachment());
    }
    return silent.isEmpty() ? "the peers (sending)" : "partition(s) " + silent;
  }

  @Override
  public void close() {
    for (SocketChannel ch : peers) closeQuietly(ch);
    try {
      selector.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }

  static void closeQuietly(java.io.Closeable c) {
    if (c == null) return;
    try {
      c.close();
    } catch (IOException ignored) {
      // closing on the way out of a failure; the original error is what matters
    }
  }
}
