package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A fit's progress reads in about twenty lines, whatever its length, with the first and last epoch always. */
class ProgressLogTest {
  @Test
  void atMostTwentyLinesIncludingFirstAndLast() {
    for (int total : new int[] {1, 2, 19, 20, 21, 100, 101, 999, 5000}) {
      int every = ProgressLog.every(total);
      int lines = 0;
      for (int e = 1; e <= total; e++) if (ProgressLog.shouldLog(e, total, every)) lines++;
      assertTrue(lines <= ProgressLog.LINES, total + " epochs: " + lines + " lines");
      assertTrue(lines >= Math.min(total, ProgressLog.LINES / 2), total + " epochs: only " + lines + " lines");
      assertTrue(ProgressLog.shouldLog(1, total, every) && ProgressLog.shouldLog(total, total, every));
    }
  }
}
