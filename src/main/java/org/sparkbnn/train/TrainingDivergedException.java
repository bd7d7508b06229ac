package org.sparkbnn.train;

/** Training produced a non-finite loss or gradient; no model is returned. */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
