package org.sparkbnn.train.collective;

import java.nio.ByteBuffer;

/**
 * One round of a fit's collective: every task sends one message to every other task and receives one from each.
 * Over TCP between JVMs ({@link PeerMesh}), or through memory when every task of the fit runs in one JVM
 * ({@link SharedMemoryExchange}); the same rounds give the same bytes either way.
 */
public interface Exchange extends AutoCloseable {
  int rank();

  int size();

  /**
   * Sends {@code out[j]} (position..limit) to every peer j and returns the payload received from each (the entry
   * for this rank is null), each from position 0 to its limit. The returned buffers are valid until the next
   * round. {@code whileWaiting} (may be null) runs exactly once, while this task waits for its peers if it has to:
   * work that does not need their bytes fills the time it would otherwise spend waiting for the slowest one.
   * {@code during} says what the round is for, e.g. "in the all-reduce of step 12", for the error if a peer
   * does not answer.
   */
  ByteBuffer[] exchange(ByteBuffer[] out, String during, Runnable whileWaiting);

  default ByteBuffer[] exchange(ByteBuffer[] out, String during) {
    return exchange(out, during, null);
  }

  @Override void close();
}
