package org.sparkbnn.train;

/**
 * Where a training step's wall time goes: gradient computation (the slowest task's when partitions run
 * concurrently), the KL term and the Adam update, and the rest, synchronisation (scheduling, task
 * (de)serialisation, result transfer, aggregation, waiting for the slowest task). A collective task computes the KL
 * term (or its share of it, {@link KlTerm}) within the round trip, and that time counts as KL, not as
 * synchronisation.
 */
public final class StepTimings implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final int batchSize;
  private long steps;
  private long roundTripNanos;
  private long computeNanos;
  private long updateNanos;
  /** The part of the KL term's time that fell inside the round trip (all of it, whenever it ran alongside). */
  private long klInRoundTripNanos;

  StepTimings(int batchSize) {
    this.batchSize = batchSize;
  }

  /**
   * One step: {@code roundTrip} from sending the parameters to having the summed gradient (the KL term included if
   * it ran meanwhile), {@code gradientCompute} of it the partitions' computation, {@code kl} the KL term's time
   * wherever it ran, {@code update} the time after the round trip (adding the KL gradient, Adam).
   */
  void record(long roundTrip, long gradientCompute, long kl, long update) {
    steps++;
    roundTripNanos += roundTrip;
    computeNanos += Math.min(gradientCompute, roundTrip);
    updateNanos += kl + update;
    klInRoundTripNanos += Math.min(kl, roundTrip - Math.min(gradientCompute, roundTrip));
  }


  public long steps() { return steps; }
  public double millisPerStep() { return wallNanos() / 1e6 / steps; }
  public double computeMillisPerStep() { return computeNanos / 1e6 / steps; }
  public double synchronisationMillisPerStep() {
    return (roundTripNanos - computeNanos - klInRoundTripNanos) / 1e6 / steps;
  }
  public double updateMillisPerStep() { return updateNanos / 1e6 / steps; }
  public double rowsPerSecond() { return batchSize * steps / (wallNanos() / 1e9); }

  /** The steps' wall time: the round trips (with any KL term computed in them) and what followed them. */
  private long wallNanos() {
    return roundTripNanos + updateNanos - klInRoundTripNanos;
  }

  @Override
  public String toString() {
    return String.format("%.2f ms/step = gradient %.2f + synchronisation %.2f + KL and update %.2f; %.0f rows/s",
        millisPerStep(), computeMillisPerStep(), synchronisationMillisPerStep(), updateMillisPerStep(),
        rowsPerSecond());
  }
}
