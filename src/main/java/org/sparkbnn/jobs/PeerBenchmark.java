package org.sparkbnn.jobs;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs the PyTorch peer ({@code ../shared/peers/bbb_torch.py bench}) on the same data shape at 1 and 2 threads,
 * so that the benchmark's ratios come from one run on one machine. Needs {@code /usr/bin/python3} with torch;
 * without them it prints "peer not available" and the ratios are left out.
 */
final class PeerBenchmark {
  static final String DEFAULT_SCRIPT = "../shared/peers/bbb_torch.py";
  private static final Pattern LINE =
      Pattern.compile("BBB (reparam|local reparam): train ([\\d,]+) rows/s(?:, predict\\(T=32\\) ([\\d,]+) rows/s)?");

  private PeerBenchmark() {}

  /**
   * Peer rows/s keyed "ESTIMATOR train|score, N threads" (ESTIMATOR as the estimator Param spells it); empty
   * when the peer is not available.
   */
  static Map<String, Double> run(String script, int rows, int features, int[] hidden, int batch) {
    Map<String, Double> results = new HashMap<>();
    String why = PythonScript.unavailable(script);
    if (why != null) {
      System.out.println("BENCH PyTorch peer not available (" + why + "; it needs torch)");
      return results;
    }
    String hiddenList = Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining(","));
    try {
      for (int threads = 1; threads <= 2; threads++) {
        int t = threads;
        // torch.set_num_threads decides the peer's threads; one BLAS thread under it, as ours run.
        PythonScript.run(script, List.of("bench", "--rows", Integer.toString(rows), "--features",
            Integer.toString(features), "--hidden", hiddenList, "--batch", Integer.toString(batch), "--threads",
            Integer.toString(threads)), 1, 30, line -> {
              Matcher m = LINE.matcher(line);
              if (!m.find()) return;
              String estimator = m.group(1).equals("reparam") ? "reparameterization" : "localReparameterization";
              results.put(estimator + " train, " + t + " threads", parse(m.group(2)));
              if (m.group(3) != null) results.put(estimator + " score, " + t + " threads", parse(m.group(3)));
              System.out.println("BENCH PyTorch peer: " + line.trim());
            });
      }
    } catch (Exception e) {
      System.out.println("BENCH PyTorch peer not available (" + e.getMessage() + ")");
      results.clear();
    }
    return results;
  }

  /** The peer's best rows/s over its thread counts for "ESTIMATOR train" or "ESTIMATOR score"; 0 if not run. */
  static double best(Map<String, Double> peer, String what) {
    double best = 0;
    for (Map.Entry<String, Double> e : peer.entrySet()) {
      if (e.getKey().startsWith(what + ",")) best = Math.max(best, e.getValue());
    }
    return best;
  }

  private static double parse(String number) {
    return Double.parseDouble(number.replace(",", ""));
  }
}
