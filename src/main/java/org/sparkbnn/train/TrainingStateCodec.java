package org.sparkbnn.train;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link TrainingState}: for checkpoint files and for the state the collective trainer's
 * rank 0 sends to the driver. Plain data only (no Java serialisation), so reading it runs no foreign code.
 */
public final class TrainingStateCodec {
  private TrainingStateCodec() {}

  public static void write(DataOutput out, TrainingState state) throws IOException {
    out.writeInt(state.epochsDone());
    out.writeLong(state.adamSteps());
    writeDoubles(out, state.theta());
    writeDoubles(out, state.adamFirstMoment());
    writeDoubles(out, state.adamSecondMoment());
    out.writeInt(state.history().size());
    for (EpochSummary e : state.history()) {
      out.writeInt(e.epoch());
      out.writeDouble(e.negativeElbo());
      out.writeDouble(e.nll());
      out.writeDouble(e.kl());
      out.writeDouble(e.rowsPerSecond());
    }
    // Appended after the original format: readers of that format stop before it, and reading a file written by
    // them meets the end of the stream here (an epoch boundary).
    out.writeLong(state.stepsInEpoch());
    for (double sum : state.epochSums()) out.writeDouble(sum);
  }

  public static TrainingState read(DataInput in) throws IOException {
    int epochsDone = in.readInt();
    long adamSteps = in.readLong();
    double[] theta = readDoubles(in);
    double[] first = readDoubles(in);
    double[] second = readDoubles(in);
    int epochs = in.readInt();
    if (epochs < 0) throw new IOException("corrupt training state: " + epochs + " epochs");
    List<EpochSummary> history = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      history.add(new EpochSummary(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble()));
    }
    long stepsInEpoch;
    try {
      stepsInEpoch = in.readLong();
    } catch (EOFException end) {
      return new TrainingState(epochsDone, theta, first, second, adamSteps, history);
    }
    if (stepsInEpoch < 0) throw new IOException("corrupt training state: " + stepsInEpoch + " steps into an epoch");
    double[] sums = {in.readDouble(), in.readDouble(), in.readDouble()};
    return new TrainingState(epochsDone, theta, first, second, adamSteps, history, stepsInEpoch, sums);
  }

  private static void writeDoubles(DataOutput out, double[] v) throws IOException {
    out.writeInt(v.length);
    for (double d : v) out.writeDouble(d);
  }

  private static double[] readDoubles(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > (1 << 28)) throw new IOException("corrupt training state: array of " + n);
    double[] v = new double[n];
    for (int i = 0; i < v.length; i++) v[i] = in.readDouble();
    return v;
  }
}
