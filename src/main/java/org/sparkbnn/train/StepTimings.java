package org.sparkbnn.train;

/**
 * Where a training step's wall time goes: gradient computation (the slowest task's when partitions run
 * concurrently), the rest of the round trip (scheduling, task (de)serialisation, result transfer,
 * aggregation), and the driver's KL and Adam update.
 */
public final class StepTimings implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final int batchSize;
  private long steps;
  private long roundTripNanos;
  private long computeNanos;
  private long driverNanos;

  StepTimings(int batchSize) {
    this.batchSize = batchSize;
  }

  void record(long roundTrip, long gradientCompute, long driverUpdate) {
    steps++;
    roundTripNanos += roundTrip;
    computeNanos += Math.min(gradientCompute, roundTrip);
    driverNanos += driverUpdate;
  }

  public long steps() { return steps; }
  public double millisPerStep() { return (roundTripNanos + driverNanos) / 1e6 / steps; }
  public double computeMillisPerStep() { return computeNanos / 1e6 / steps; }
  public double synchronisationMillisPerStep() { return (roundTripNanos - computeNanos) / 1e6 / steps; }
  public double driverMillisPerStep() { return driverNanos / 1e6 / steps; }
  public double rowsPerSecond() { return batchSize * steps / ((roundTripNanos + driverNanos) / 1e9); }

  @Override
  public String toString() {
    return String.format("%.2f ms/step = gradient %.2f + synchronisation %.2f + driver update %.2f; %.0f rows/s",
        millisPerStep(), computeMillisPerStep(), synchronisationMillisPerStep(), driverMillisPerStep(),
        rowsPerSecond());
  }
}
