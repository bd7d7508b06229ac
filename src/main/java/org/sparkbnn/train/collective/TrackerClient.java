package org.sparkbnn.train.collective;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.BooleanSupplier;
import org.sparkbnn.train.TrainingState;
import org.sparkbnn.train.TrainingStateCodec;

/** A task's connection to the driver's {@link CollectiveTracker}. */
public final class TrackerClient implements AutoCloseable {
  private final Socket socket;
  private final long timeoutMillis;
  private final BooleanSupplier interrupted;

  /** What registration returns: every task's address (by partition) and the state to start from (or null). */
  public static final class Rendezvous {
    public final InetSocketAddress[] peers;
    public final TrainingState start;

    Rendezvous(InetSocketAddress[] peers, TrainingState start) {
      this.peers = peers;
      this.start = start;
    }
  }

  public TrackerClient(String host, int port, long timeoutMillis, BooleanSupplier interrupted) {
    this.timeoutMillis = timeoutMillis;
    this.interrupted = interrupted;
    this.socket = new Socket();
    try {
      socket.setSoTimeout(Deadline.SLICE_MILLIS);
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
    } catch (IOException e) {
      PeerMesh.closeQuietly(socket);
      throw new CollectiveException("cannot reach the driver's tracker at " + host + ":" + port + ": " + e, e);
    }
  }

  /** Registers and waits until every one of the {@code numPartitions} tasks of this stage attempt has. */
  public Rendezvous register(byte[] secret, int attempt, int partition, int numPartitions,
                             InetSocketAddress listening) {
    try {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(buffer);
      out.writeInt(CollectiveTracker.REGISTER);
      out.write(secret);
      out.writeInt(attempt);
      out.writeInt(partition);
      out.writeUTF(listening.getHostString());
      out.writeInt(listening.getPort());
      Frames.write(socket.getOutputStream(), buffer.toByteArray());
      Deadline deadline = new Deadline(timeoutMillis, interrupted,
          "waiting for all " + numPartitions + " tasks to start (partition " + partition + ")");
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(
          Frames.read(socket.getInputStream(), deadline, "the tracker")));
      InetSocketAddress[] peers = new InetSocketAddress[numPartitions];
      for (int p = 0; p < numPartitions; p++) {
        String host = in.readUTF();
        peers[p] = new InetSocketAddress(host, in.readInt());
      }
      TrainingState start = in.readBoolean() ? TrainingStateCodec.read(in) : null;
      return new Rendezvous(peers, start);
    } catch (IOException e) {
      throw new CollectiveException("registration with the tracker failed: " + e, e);
    }
  }

  /**
   * Rank 0: the state after an epoch, for progress, checkpoints and a relaunched attempt. Returns once the driver
   * has handled it (checkpoint written): otherwise the last epoch's state could still be in flight when the fit's
   * job ends and the driver closes the tracker, and that checkpoint would be lost.
   */
  public void reportState(TrainingState state) {
    send(CollectiveTracker.STATE, out -> TrainingStateCodec.write(out, state));
    try {
      Frames.read(socket.getInputStream(), new Deadline(timeoutMillis, interrupted,
          "waiting for the driver to store the state of an epoch"), "the tracker");
    } catch (IOException e) {
      throw new CollectiveException("the driver's tracker did not confirm an epoch's state: " + e, e);
    }
  }

  /** An error that retrying the stage would repeat: the driver cancels the stage and reports it. */
  public void reportFatal(String message) {
    try {
      send(CollectiveTracker.FATAL, out -> out.writeUTF(message.length() > 20_000 ? message.substring(0, 20_000)
          : message));
    } catch (CollectiveException ignored) {
      // the driver is gone or unreachable; the task's own failure still reaches it through Spark
    }
  }

  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private void send(int type, Body body) {
    try {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(buffer);
      out.writeInt(type);
      body.write(out);
      Frames.write(socket.getOutputStream(), buffer.toByteArray());
    } catch (IOException e) {
      throw new CollectiveException("cannot report to the driver's tracker: " + e, e);
    }
  }

  @Override
  public void close() {
    PeerMesh.closeQuietly(socket);
  }
}
