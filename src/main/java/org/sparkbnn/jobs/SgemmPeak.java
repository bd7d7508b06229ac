package org.sparkbnn.jobs;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The machine's float32 matrix-product peak on 1 and 2 threads, the yardstick of the benchmark's "share of the
 * peak": the larger of OpenBLAS through ND4J and numpy ({@code jobs/sgemm_peak.py}, when {@code /usr/bin/python3}
 * has it). ND4J's OpenBLAS 0.3.19 does not know CPUs newer than itself and falls back to older kernels (Haswell's on
 * an AVX-512 EPYC of family 26), which would make every share look larger than it is.
 */
final class SgemmPeak {
  private static final int N = 2048;
  private static final Pattern LINE = Pattern.compile("SGEMM gflops=([\\d.]+)");

  private SgemmPeak() {}

  /** GFLOP/s indexed by thread count (1 and 2; index 0 unused); prints both measurements. */
  static double[] measure() {
    double[] nd4j = {0, nd4jGflops(1), nd4jGflops(2)};
    System.out.printf("BENCH sgemm peak, OpenBLAS 0.3.19 through ND4J (%d^3 float32): %.1f GFLOP/s on 1 thread, %.1f on"
        + " 2%n", N, nd4j[1], nd4j[2]);
    double[] numpy = numpyGflops();
    double[] peak = nd4j.clone();
    if (numpy != null) {
      System.out.printf("BENCH sgemm peak, numpy (%d^3 float32): %.1f GFLOP/s on 1 thread, %.1f on 2%n", N, numpy[1],
          numpy[2]);
      for (int t = 1; t <= 2; t++) peak[t] = Math.max(nd4j[t], numpy[t]);
    }
    System.out.printf("BENCH sgemm peak used for the shares below: %.1f GFLOP/s on 1 thread, %.1f on 2%n", peak[1],
        peak[2]);
    return peak;
  }

  private static double[] numpyGflops() {
    String script = System.getProperty("bnn.home", ".") + "/jobs/sgemm_peak.py";
    String why = PythonScript.unavailable(script);
    if (why != null) {
      System.out.println("BENCH sgemm peak, numpy: not available (" + why + ")");
      return null;
    }
    double[] gflops = new double[3];
    try {
      for (int threads = 1; threads <= 2; threads++) {
        int t = threads;
        PythonScript.run(script, List.of(), threads, 10, line -> {
          Matcher m = LINE.matcher(line);
          if (m.find()) gflops[t] = Double.parseDouble(m.group(1));
        });
        if (gflops[t] == 0) throw new IllegalStateException("no SGEMM line");
      }
      return gflops;
    } catch (Exception e) {
      System.out.println("BENCH sgemm peak, numpy: not available (" + e.getMessage() + ")");
      return null;
    }
  }

  /** OpenBLAS sgemm through ND4J on N^3 with the given number of BLAS threads (restored afterwards). */
  private static double nd4jGflops(int threads) {
    int before = Nd4j.factory().blas().getMaxThreads();
    Nd4j.factory().blas().setMaxThreads(threads);
    try {
      INDArray a = Nd4j.rand(DataType.FLOAT, N, N);
      INDArray c = Nd4j.create(DataType.FLOAT, N, N);
      a.mmuli(a, c);
      long start = System.nanoTime();
      int reps = 5;
      for (int i = 0; i < reps; i++) a.mmuli(a, c);
      return 2.0 * N * N * N * reps / (System.nanoTime() - start);
    } finally {
      Nd4j.factory().blas().setMaxThreads(before);
    }
  }
}
