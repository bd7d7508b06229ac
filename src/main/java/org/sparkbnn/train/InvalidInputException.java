package org.sparkbnn.train;

/** A row, column or path that the stage cannot use; the message names it. */
public class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  /**
   * Spark wraps a task's exception in a SparkException ("Job aborted due to stage failure ..."); find ours in
   * the cause chain so the user sees the message that names the column and row, or null if there is none.
   */
  public static InvalidInputException findIn(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof InvalidInputException) return (InvalidInputException) c;
    }
    return null;
  }

  /** The InvalidInputException inside a Spark job failure if there is one, else the failure itself. */
  public static RuntimeException surface(Exception e) {
    InvalidInputException cause = findIn(e);
    if (cause != null) return cause;
    return e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e.getMessage(), e);
  }
}
