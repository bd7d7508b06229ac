package org.sparkbnn.input;

import java.util.List;
import org.apache.spark.sql.Dataset;

/**
 * A bad value in one row, found inside a task, which knows only its partition and the row's position in it.
 * {@link #inInputOrder} turns that into the 1-based row number a person can find in the input (for a CSV file,
 * the data row after the header), by counting the rows of the partitions before it.
 */
public final class InvalidRowException extends BadInputException {
  private static final long serialVersionUID = 1L;
  private final String problem;
  private final int partition;
  private final long rowInPartition;
  private final String hint;

  public InvalidRowException(String problem, int partition, long rowInPartition, String hint) {
    super(problem + " (partition " + partition + ", row " + rowInPartition + (hint.isEmpty() ? "" : "; " + hint)
        + ")");
    this.problem = problem;
    this.partition = partition;
    this.rowInPartition = rowInPartition;
    this.hint = hint;
  }

  /**
   * The same problem named by its row in input order: {@code rows} must have the partitioning of the data the
   * task read (a projection or row-wise map of it), so partition p's rows follow those of partitions 0..p-1.
   */
  public BadInputException inInputOrder(Dataset<?> rows) {
    int p = partition;
    List<Long> counts = rows.toJavaRDD().mapPartitionsWithIndex((index, it) -> {
      long n = 0;
      if (index < p) for (; it.hasNext(); it.next()) n++;
      return java.util.Collections.singletonList(n).iterator();
    }, true).collect();
    long before = 0;
    for (int i = 0; i < p; i++) before += counts.get(i);
    return new BadInputException(problem + " in row " + (before + rowInPartition + 1)
        + " (1-based, in input order; for a CSV file, not counting the header)" + (hint.isEmpty() ? "" : "; " + hint),
        this);
  }

  /** The first InvalidRowException in a cause chain, or null. */
  public static InvalidRowException findRowIn(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof InvalidRowException) return (InvalidRowException) c;
    }
    return null;
  }
}
