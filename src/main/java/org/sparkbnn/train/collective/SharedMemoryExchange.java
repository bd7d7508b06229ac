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
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The {@link Exchange} of a fit whose tasks all run in one JVM (local mode, or one executor running every task):
 * the rounds go through memory instead of loopback TCP. Over sockets a task that waits blocks in {@code select},
 * and on the 2-vCPU machines measured a blocked thread took 0.1-0.25 ms per step to be woken (README,
 * Performance), more than the exchange of ~11,000 gradients itself; here a waiting task spins on a volatile
 * counter for a few microseconds while there is a core for every task, then parks until the peer it waits for
 * publishes its round and wakes it (or a slice ends, to check the timeout and cancellation).
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
  /**
   * How long a waiting task spins before it parks, when every task has a core: in steady state 85-90% of the waits
   * end within 10 us. A longer spin costs more than it saves on 2 vCPUs: spinning for 2 ms, the tasks that shared
   * one vCPU while the JIT compiler held the other stalled each other by a scheduler time slice (~4.5 ms) every
   * other step, and spinning, then yielding until 2 ms, made steps of plain reparameterisation (0.2 ms of math a
   * task) 1.5x slower than over TCP, where a waiting task sleeps. Parking cured that in some runs only: in four
   * benchmark runs of five the plain stage was still faster over TCP, for a cause not found (README, Performance).
   */
  private static final long SPIN_NANOS = 20_000L;
  /** Longest park: a waiting task is woken when its peer publishes; the slice bounds timeout and cancel checks. */
  private static final long PARK_NANOS = 1_000_000L;

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
   * How many of {@code mesh}'s tasks (this one included) run in this JVM: one round of the mesh compares the JVMs'
   * identities, so every task of a JVM reaches the same answer. All of them: the fit can exchange through memory;
   * this one alone: it polls its sockets before it blocks ({@link PeerMesh#pollIfAloneInJvm}).
   */
  public static int tasksInThisJvm(PeerMesh mesh) {
    ByteBuffer id = ByteBuffer.allocate(16).putLong(JVM_ID.getMostSignificantBits())
        .putLong(JVM_ID.getLeastSignificantBits());
    ByteBuffer[] out = new ByteBuffer[mesh.size()];
    for (int j = 0; j < out.length; j++) out[j] = id.duplicate().flip();
    ByteBuffer[] ids = mesh.exchange(out, "while comparing the tasks' JVMs (rank " + mesh.rank() + ")");
    int here = 1;
    for (int p = 0; p < ids.length; p++) {
      if (p != mesh.rank() && ids[p].getLong(0) == JVM_ID.getMostSignificantBits()
          && ids[p].getLong(8) == JVM_ID.getLeastSignificantBits()) {
        here++;
      }
    }
    return here;
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
    board.wakeWaiters(rank);
    if (whileWaiting != null) whileWaiting.run();
    Deadline deadline = null;
    long spinEnd = spin ? System.nanoTime() + SPIN_NANOS : 0;
    for (int p = 0; p < size; p++) {
      if (p == rank) continue;
      while (board.published.get(p) < r) {
        // A peer publishes its last round before it closes: read its counter again after seeing it closed, or a
        // peer that published and closed between this loop's two reads would seem to have left the round.
        if (board.closed.get(p) != 0 && board.published.get(p) < r) {
          throw new CollectiveException("partition " + p + " left the collective " + during, false);
        }
        if (spin && System.nanoTime() < spinEnd) {
          Thread.onSpinWait();
          continue;
        }
        if (deadline == null) deadline = new Deadline(timeoutMillis, interrupted, during);
        deadline.check(silentPeers(r));
        board.parkUntilPublished(rank, p, r);
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
    board.wakeWaiters(rank);
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
    /** The thread of each task while it is parked waiting for a peer (else null): who to wake on a publish. */
    final AtomicReferenceArray<Thread> parked;
    final AtomicInteger members = new AtomicInteger();

    Board(int size) {
      this.size = size;
      this.slots = new ByteBuffer[2][size][size];
      this.published = new AtomicLongArray(size);
      for (int p = 0; p < size; p++) published.set(p, -1);
      this.closed = new AtomicIntegerArray(size);
      this.parked = new AtomicReferenceArray<>(size);
    }

    /**
     * Parks task {@code rank} until {@code peer} has published round r or closed (or a slice ends). No wake-up is
     * lost: the waiter registers before it checks the round again, the peer publishes before it looks for waiters
     * (both volatile), so either the waiter sees the round or the peer sees the waiter; a wake-up that comes before
     * the park makes the park return at once.
     */
    void parkUntilPublished(int rank, int peer, long r) {
      parked.set(rank, Thread.currentThread());
      if (published.get(peer) < r && closed.get(peer) == 0) LockSupport.parkNanos(this, PARK_NANOS);
      parked.set(rank, null);
    }

    /** Wakes every task parked on this board (after {@code rank} published a round or closed). */
    void wakeWaiters(int rank) {
      for (int p = 0; p < size; p++) {
        Thread waiter = p == rank ? null : parked.get(p);
        if (waiter != null) LockSupport.unpark(waiter);
      }
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
