package org.sparkbnn.train.collective;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The {@link Exchange} of a fit whose tasks all run in one JVM (local mode, or one executor running every task):
 * the rounds go through memory instead of loopback TCP. Over sockets a task that waits blocks in {@code select},
 * and on the 2-vCPU machines measured a blocked thread took 0.1-0.25 ms per step to be woken (README,
 * Performance), more than the exchange of ~11,000 gradients itself; here a waiting task spins on a volatile
 * counter while there is a core for every task (yielding after the first microseconds), then parks in short
 * slices.
 *
 * <p>The tasks share a board: every task owns two slots per destination (rounds alternate between them) and a
 * counter of the rounds it has published. A round copies each outgoing message into this task's slot, publishes
 * the round number (a volatile write, so the bytes are visible to whoever reads the counter), and waits until
 * every peer has published the same round; the peers' slots are then read in place. A slot is written again two
 * rounds later, by which time every reader has published the round in between, and so is done reading it (the
 * returned buffers are valid until the next round, as {@link PeerMesh}'s are).
 *
 * <p>Failures are PeerMesh's: a peer that closes its end (its task failed) fails the round at once; a silent one
 * fails it after the collective timeout, naming the partition; a cancelled task stops within a slice.
 */
public final class SharedMemoryExchange implements Exchange {
  /** This JVM's identity, compared over the mesh to find out whether all tasks share one JVM. */
  private static final UUID JVM_ID = UUID.randomUUID();
  private static final Map<String, Board> BOARDS = new ConcurrentHashMap<>();
  /** How long a waiting task spins before it parks, when every task has a core. */
  private static final long SPIN_NANOS = 2_000_000L;
  /**
   * How much of that it spins without giving up its core: after it, each turn of the loop yields, so that a peer
   * (or a thread the peer needs) waiting for this core runs at once. Without the yields, two tasks that shared one
   * vCPU while the JIT compiler held the other stalled each other by a scheduler time slice, ~4.5 ms, every other
   * step (a probe of the benchmark's stage, 2 vCPUs); in steady state 85-90% of the waits end within 10 us.
   */
  private static final long PURE_SPIN_NANOS = 20_000L;
  /** Park slice once spinning is over. */
  private static final long PARK_NANOS = 50_000L;

  private final String key;
  private final Board board;
  private final int rank;
  private final long timeoutMillis;
  private final BooleanSupplier interrupted;
  private final boolean spin;
  private final ByteBuffer[] in;
  private long round;
  private boolean closed;

  private SharedMemoryExchange(String key, Board board, int rank, long timeoutMillis, BooleanSupplier interrupted) {
    this.key = key;
    this.board = board;
    this.rank = rank;
    this.timeoutMillis = timeoutMillis;
    this.interrupted = interrupted;
    this.spin = board.size <= Runtime.getRuntime().availableProcessors();
    this.in = new ByteBuffer[board.size];
  }

  /**
   * Whether every task of {@code mesh} runs in this JVM: one round of the mesh compares the JVMs' identities, so
   * every task reaches the same answer.
   */
  public static boolean allInThisJvm(PeerMesh mesh) {
    ByteBuffer id = ByteBuffer.allocate(16).putLong(JVM_ID.getMostSignificantBits())
        .putLong(JVM_ID.getLeastSignificantBits());
    ByteBuffer[] out = new ByteBuffer[mesh.size()];
    for (int j = 0; j < out.length; j++) out[j] = id.duplicate().flip();
    ByteBuffer[] ids = mesh.exchange(out, "while comparing the tasks' JVMs (rank " + mesh.rank() + ")");
    for (int p = 0; p < ids.length; p++) {
      if (p != mesh.rank() && (ids[p].getLong(0) != JVM_ID.getMostSignificantBits()
          || ids[p].getLong(8) != JVM_ID.getLeastSignificantBits())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Joins the board of the fit named by {@code key} (unique per fit and stage attempt) as {@code rank} of
   * {@code size} tasks; the board goes away when every task has closed its end.
   */
  public static SharedMemoryExchange join(String key, int rank, int size, long timeoutMillis,
                                          BooleanSupplier interrupted) {
    Board board = BOARDS.compute(key, (k, b) -> {
      Board joined = b != null ? b : new Board(size);
      joined.members.incrementAndGet();
      return joined;
    });
    if (board.size != size) {
      throw new IllegalStateException("tasks of one fit disagree on its size: " + board.size + " and " + size);
    }
    return new SharedMemoryExchange(key, board, rank, timeoutMillis, interrupted);
  }

  @Override public int rank() { return rank; }
  @Override public int size() { return board.size; }

  @Override
  public ByteBuffer[] exchange(ByteBuffer[] out, String during, Runnable whileWaiting) {
    if (closed) throw new IllegalStateException("exchange of partition " + rank + " used after close");
    long r = round++;
    int parity = (int) (r & 1);
    int size = board.size;
    for (int j = 0; j < size; j++) {
      if (j != rank) board.write(parity, rank, j, out[j]);
    }
    board.published.set(rank, r);
    if (whileWaiting != null) whileWaiting.run();
    Deadline deadline = null;
    long spinStart = System.nanoTime();
    long spinEnd = spin ? spinStart + SPIN_NANOS : 0;
    for (int p = 0; p < size; p++) {
      if (p == rank) continue;
      while (board.published.get(p) < r) {
        if (board.closed.get(p) != 0) {
          throw new CollectiveException("partition " + p + " left the collective " + during, false);
        }
        long now = System.nanoTime();
        if (spin && now < spinEnd) {
          if (now - spinStart < PURE_SPIN_NANOS) {
            Thread.onSpinWait();
          } else {
            Thread.yield();
          }
          continue;
        }
        if (deadline == null) deadline = new Deadline(timeoutMillis, interrupted, during);
        deadline.check(silentPeers(r));
        LockSupport.parkNanos(PARK_NANOS);
      }
      in[p] = board.slots[parity][p][rank].duplicate();
    }
    return in;
  }

  /** The peers that have not published round r, as PeerMesh names them in its timeout. */
  private String silentPeers(long r) {
    List<Integer> silent = new ArrayList<>();
    for (int p = 0; p < board.size; p++) {
      if (p != rank && board.published.get(p) < r) silent.add(p);
    }
    return "partition(s) " + silent;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    board.closed.set(rank, 1);
    BOARDS.computeIfPresent(key, (k, b) -> b.members.decrementAndGet() == 0 ? null : b);
  }

  /** The boards open in this JVM (for tests: none is left behind after a fit). */
  static int openBoards() {
    return BOARDS.size();
  }

  /** The memory the tasks of one fit share. */
  private static final class Board {
    final int size;
    /** [parity][source][destination], written only by the source task; position 0, limit = message length. */
    final ByteBuffer[][][] slots;
    final AtomicLongArray published;
    final AtomicIntegerArray closed;
    final AtomicInteger members = new AtomicInteger();

    Board(int size) {
      this.size = size;
      this.slots = new ByteBuffer[2][size][size];
      this.published = new AtomicLongArray(size);
      for (int p = 0; p < size; p++) published.set(p, -1);
      this.closed = new AtomicIntegerArray(size);
    }

    void write(int parity, int source, int destination, ByteBuffer message) {
      ByteBuffer src = message.duplicate();
      ByteBuffer slot = slots[parity][source][destination];
      if (slot == null || slot.capacity() < src.remaining()) {
        slot = ByteBuffer.allocate(src.remaining());
        slots[parity][source][destination] = slot;
      }
      slot.clear();
      slot.put(src).flip();
    }
  }
}
