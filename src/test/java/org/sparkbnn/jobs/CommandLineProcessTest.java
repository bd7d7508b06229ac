package org.sparkbnn.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkbnn.jobs.CliRuns.DIABETES;
import static org.sparkbnn.jobs.CliRuns.bnnProcess;
import static org.sparkbnn.jobs.CliRuns.quickTrain;
import static org.sparkbnn.jobs.CliRuns.shownOnTerminal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs run as a user runs them, in a JVM of their own: what the terminal shows when a run fails or is stopped. */
class CommandLineProcessTest {
  @TempDir Path dir;

  /** The diabetes CSV with data row {@code row} (1-based) having column {@code column} replaced. */
  private String diabetesWith(String name, int row, int column, String value) throws IOException {
    return CliRuns.diabetesWith(dir, name, row, column, value);
  }

  /**
   * Run as a user runs it (a JVM of its own with the jobs' logging configuration): an expected failure prints
   * the error line and no stack trace on the terminal, and the trace is kept in the log file.
   */
  @Test
  void anExpectedFailureShowsNoStackTrace() throws Exception {
    Path log = dir.resolve("run.log");
    Process p = bnnProcess(log, quickTrain(diabetesWith("nan.csv", 4, 2, ""), dir.resolve("m").toString()));
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(3, p.waitFor(), err);
    List<String> shown = shownOnTerminal(err);
    assertEquals(1, shown.size(), "only the error line: " + err);
    assertTrue(shown.get(0).startsWith("error: column 'bmi'"), err);
    assertTrue(Files.readString(log).contains("InvalidRowException"), "the trace is in the log file");
  }

  /**
   * A run stopped by the user (SIGTERM here, as Ctrl-C's SIGINT) while it trains: Spark's shutdown hook stops the
   * SparkContext under the fit, which is the user's doing, not a fault, so one line and no trace; the exit status is
   * the signal's; no model, claim or temporary output is left.
   */
  @Test
  void anInterruptedRunPrintsOneLineAndLeavesNoModel() throws Exception {
    String model = dir.resolve("m").toString();
    Process p = bnnProcess(dir.resolve("run.log"), "train", "--input", DIABETES, "--label", "progression", "--model",
        model, "--param", "maxEpochs=100000", "--param", "maxSteps=0", "--param", "lengthDoublings=0", "--param",
        "ensembleSize=1", "--param", "likelihood=homoscedastic");
    StringBuilder err = new StringBuilder();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        err.append(line).append('\n');
        // Training has started: stop it (through the handle: Process.destroy would also close this stream).
        if (line.contains(" epoch ") && p.isAlive()) p.toHandle().destroy();
      }
    }
    assertEquals(143, p.waitFor(), "SIGTERM's exit status: " + err);
    List<String> shown = shownOnTerminal(err.toString());
    assertEquals(List.of("error: interrupted before train finished: nothing it was writing was put in place"),
        shown.stream().filter(l -> !l.startsWith("train: ") && !l.matches("\\d\\d:\\d\\d:\\d\\d WARN .*"))
            .collect(Collectors.toList()), err.toString());
    assertFalse(new File(model).exists(), "no model after an interrupted train");
    assertFalse(Arrays.stream(dir.toFile().list()).anyMatch(n -> n.contains(".claim") || n.contains(".tmp-")),
        "claim or temporary output left behind: " + Arrays.toString(dir.toFile().list()));
  }
}
