package org.sparkbnn.input;

/**
 * A row, column, Param or path that spark-bnn cannot use; the message names it. (Not Hadoop's
 * {@code InvalidInputException}, an IOException about missing input paths.)
 */
public class BadInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  /** With the failure that revealed the problem, kept for the log's stack trace. */
  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Spark wraps a task's exception in a SparkException ("Job aborted due to stage failure ..."); find ours in
   * the cause chain so the user sees the message that names the column and row, or null if there is none.
   */
  public static BadInputException findIn(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BadInputException) return (BadInputException) c;
    }
    return null;
  }

  /** The BadInputException inside a Spark job failure if there is one, else the failure itself. */
  public static RuntimeException surface(Exception e) {
    BadInputException cause = findIn(e);
    if (cause != null) return cause;
    return e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e.getMessage(), e);
  }
}
