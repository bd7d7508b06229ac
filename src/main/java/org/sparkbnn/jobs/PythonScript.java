package org.sparkbnn.jobs;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A helper script the benchmark runs beside itself (the PyTorch peer, numpy's matrix-product peak) with
 * {@code /usr/bin/python3}, its OpenBLAS threads set by the caller.
 */
final class PythonScript {
  private static final String PYTHON = "/usr/bin/python3";

  private PythonScript() {}

  /** Why {@code script} cannot run here, or null when it can. */
  static String unavailable(String script) {
    if (!new File(PYTHON).canExecute()) return "needs " + PYTHON;
    if (!new File(script).isFile()) return "no " + script;
    return null;
  }

  /**
   * Runs {@code script args} with OPENBLAS_NUM_THREADS = {@code blasThreads}, handing every output line (stderr
   * included) to {@code onLine}; fails with the last line of output when the script exits non-zero, or when it has
   * not exited {@code timeoutMinutes} after closing its output.
   */
  static void run(String script, List<String> args, int blasThreads, long timeoutMinutes, Consumer<String> onLine)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PYTHON, script));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(blasThreads));
    Process process = pb.start();
    String last = "";
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (!line.isBlank()) last = line.trim();
        onLine.accept(line);
      }
    }
    if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException("timed out after " + timeoutMinutes + " minutes");
    }
    // A Python failure's last line names the error (e.g. "ModuleNotFoundError: No module named 'torch'").
    if (process.exitValue() != 0) throw new IOException("exit " + process.exitValue() + ": " + last);
  }
}
