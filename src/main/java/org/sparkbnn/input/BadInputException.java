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

  /**
   * What went wrong, in one line, for a message that wraps another library's exception: the deepest message in the
   * cause chain, its first line. Spark's "Job aborted due to stage failure" carries the task's stack trace in its
   * message; the task's exception (a Hadoop checksum error, Parquet's "not a Parquet file") is its cause.
   */
  public static String reason(Throwable t) {
    String message = null;
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) message = c.getMessage();
    }
    if (message == null) return t.getClass().getName();
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).trim();
  }

  /** The BadInputException inside a Spark job failure if there is one, else the failure itself. */
  public static RuntimeException surface(Exception e) {
    BadInputException cause = findIn(e);
    if (cause != null) return cause;
    return e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e.getMessage(), e);
  }
}
