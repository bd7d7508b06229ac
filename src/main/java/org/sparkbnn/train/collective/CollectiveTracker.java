package org.sparkbnn.train.collective;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.sparkbnn.train.TrainingState;
import org.sparkbnn.train.TrainingStateCodec;

/**
 * The driver's side of a collective fit, as XGBoost's tracker: a server at a known address that the tasks of the
 * barrier stage register with (partition, stage attempt, their own listening address) and that answers each,
 * once all partitions of an attempt have registered, with every task's address and the state to start from. It
 * then receives, from rank 0, the training state after every epoch (the driver logs progress and checkpoints
 * from it, and a relaunched attempt starts from it), and from any task a fatal error, which
 * {@code onFatal} turns into cancelling the stage. Connections without the fit's secret are closed unanswered.
 * No gradient passes through here.
 */
public final class CollectiveTracker implements AutoCloseable {
  static final int REGISTER = 1;
  static final int STATE = 2;
  static final int FATAL = 3;

  private final ServerSocket server;
  private final int numPartitions;
  private final byte[] secret;
  private final long timeoutMillis;
  private final Consumer<TrainingState> onState;
  private final Consumer<String> onFatal;
  private final Thread acceptor;
  private final List<Socket> connections = new ArrayList<>();
  private final List<Thread> handlers = new ArrayList<>();
  private final Map<Integer, Registration[]> attempts = new HashMap<>();
  private final AtomicReference<TrainingState> latest = new AtomicReference<>();
  private final AtomicReference<String> fatal = new AtomicReference<>();
  private volatile boolean closed;

  private static final class Registration {
    final String host;
    final int port;
    final DataOutputStream reply;

    Registration(String host, int port, DataOutputStream reply) {
      this.host = host;
      this.port = port;
      this.reply = reply;
    }
  }

  /**
   * Listens on {@code host}; {@code start} (may be null) is the state the first attempt starts from, e.g. the last
   * checkpoint.
   */
  public CollectiveTracker(String host, int numPartitions, byte[] secret, long timeoutMillis, TrainingState start,
                           Consumer<TrainingState> onState, Consumer<String> onFatal) throws IOException {
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 256);
    server.setSoTimeout(Deadline.SLICE_MILLIS);
    this.numPartitions = numPartitions;
    this.secret = secret.clone();
    this.timeoutMillis = timeoutMillis;
    this.onState = onState;
    this.onFatal = onFatal;
    latest.set(start);
    this.acceptor = new Thread(this::acceptLoop, "spark-bnn-tracker");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public String host() { return server.getInetAddress().getHostAddress(); }
  public int port() { return server.getLocalPort(); }

  /** The last state rank 0 reported (or the start state). */
  public TrainingState latestState() { return latest.get(); }

  /** The first fatal error a task reported, or null. */
  public String fatalError() { return fatal.get(); }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (SocketTimeoutException slice) {
        continue;
      } catch (IOException e) {
        if (!closed) fatal.compareAndSet(null, "the tracker stopped accepting connections: " + e);
        return;
      }
      Thread handler = new Thread(() -> handle(s), "spark-bnn-tracker-connection");
      handler.setDaemon(true);
      synchronized (this) {
        if (closed) {
          PeerMesh.closeQuietly(s);
          return;
        }
        connections.add(s);
        handlers.add(handler);
      }
      handler.start();
    }
  }

  /** One task's connection: its registration, then state reports or a fatal error, until it closes. */
  private void handle(Socket s) {
    try {
      s.setSoTimeout(Deadline.SLICE_MILLIS);
      DataOutputStream reply = new DataOutputStream(s.getOutputStream());
      Deadline hello = new Deadline(timeoutMillis, () -> closed, "waiting for a task to register");
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(Frames.read(s.getInputStream(), hello,
          "a task")));
      byte[] offered = new byte[secret.length];
      if (in.readInt() != REGISTER) return;
      in.readFully(offered);
      if (!MessageDigest.isEqual(offered, secret)) return; // not one of ours: close unanswered
      register(in.readInt(), in.readInt(), in.readUTF(), in.readInt(), reply);
      while (!closed) {
        byte[] frame;
        try {
          frame = Frames.read(s.getInputStream(), new Deadline(Long.MAX_VALUE / 2_000_000L, () -> closed,
              "waiting for training progress"), "a task");
        } catch (CollectiveException eof) {
          return; // the task finished or died; Spark reports which
        }
        DataInputStream msg = new DataInputStream(new ByteArrayInputStream(frame));
        int type = msg.readInt();
        if (type == STATE) {
          TrainingState state = TrainingStateCodec.read(msg);
          latest.set(state);
          try {
            onState.accept(state);
          } catch (RuntimeException e) {
            String message = "cannot store the training state of an epoch (checkpoint): " + e.getMessage();
            if (fatal.compareAndSet(null, message)) onFatal.accept(message);
            throw e;
          }
          synchronized (reply) {
            Frames.write(reply, new byte[0]); // stored: rank 0 may go on (TrackerClient.reportState)
          }
        } else if (type == FATAL) {
          String message = msg.readUTF();
          if (fatal.compareAndSet(null, message)) onFatal.accept(message);
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) org.slf4j.LoggerFactory.getLogger(CollectiveTracker.class).debug("tracker connection ended", e);
    } finally {
      PeerMesh.closeQuietly(s);
    }
  }

  /** Records a task; when every partition of its stage attempt has registered, answers them all. */
  private void register(int attempt, int partition, String host, int port, DataOutputStream reply)
      throws IOException {
    Registration[] all;
    synchronized (this) {
      if (partition < 0 || partition >= numPartitions) return;
      all = attempts.computeIfAbsent(attempt, a -> new Registration[numPartitions]);
      all[partition] = new Registration(host, port, reply);
      for (Registration r : all) if (r == null) return;
      attempts.remove(attempt);
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buffer);
    for (Registration r : all) {
      out.writeUTF(r.host);
      out.writeInt(r.port);
    }
    TrainingState start = latest.get();
    out.writeBoolean(start != null);
    if (start != null) TrainingStateCodec.write(out, start);
    byte[] answer = buffer.toByteArray();
    for (Registration r : all) {
      synchronized (r.reply) {
        Frames.write(r.reply, answer);
      }
    }
  }

  /** Stops accepting, closes every connection and waits for the tracker's threads to end. */
  @Override
  public void close() {
    List<Thread> threads;
    synchronized (this) {
      closed = true;
      for (Socket s : connections) PeerMesh.closeQuietly(s);
      threads = new ArrayList<>(handlers);
    }
    PeerMesh.closeQuietly(server);
    threads.add(acceptor);
    for (Thread t : threads) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
