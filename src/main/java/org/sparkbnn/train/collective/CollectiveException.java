package org.sparkbnn.train.collective;

/**
 * The collective could not complete an operation: a peer closed its connection (its task or executor died; Spark
 * relaunches the stage), sent a corrupt frame, or ({@link #isTimeout}) stopped answering within the timeout.
 */
public class CollectiveException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean timeout;

  public CollectiveException(String message, boolean timeout) {
    super(message);
    this.timeout = timeout;
  }

  public CollectiveException(String message, Throwable cause) {
    super(message, cause);
    this.timeout = false;
  }

  /** A peer that is alive but silent: retrying the stage would stall again, so the fit fails instead. */
  public boolean isTimeout() { return timeout; }
}
