package org.sparkbnn.bayes.cpu;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import org.bytedeco.javacpp.FloatPointer;

/**
 * Row-major float32 matrix products through OpenBLAS {@code cblas_sgemm} (the 0.3.19 build ND4J ships and loads;
 * its thread count follows ND4J's BLAS setting, which {@code TaskCompute} sets per task). Operands live in Java
 * arrays, where the fused loops can reach them; each call copies them into three off-heap staging buffers and
 * the product back. Measured here for 512 x 64 operands: the copies cost ~0.1 ns an element against ~1 ns for
 * any element-wise pass, while JavaCPP's {@code float[]} overloads pin-and-copy per call and plain Java loops
 * reach 5 GFLOP/s against sgemm's 50-90. One instance per thread; not thread-safe.
 */
final class Sgemm {
  private final StepProfile profile;
  private FloatPointer a;
  private FloatPointer b;
  private FloatPointer c;

  Sgemm(StepProfile profile) {
    this.profile = profile;
  }

  /**
   * c[cOffset..] (m x n) = op(A) op(B), where A is stored from a[aOffset] as (transA ? k x m : m x k) and B from
   * b[bOffset] as (transB ? n x k : k x n).
   */
  void multiply(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, float[] b,
                int bOffset, float[] c, int cOffset) {
    long start = System.nanoTime();
    this.a = stage(this.a, a, aOffset, m * k);
    this.b = stage(this.b, b, bOffset, k * n);
    this.c = reserve(this.c, m * n);
    long staged = System.nanoTime();
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k,
        1f, this.a, transA ? m : k, this.b, transB ? k : n, 0f, this.c, n);
    long multiplied = System.nanoTime();
    this.c.position(0).get(c, cOffset, m * n);
    profile.blasNanos += multiplied - staged;
    profile.stagingNanos += staged - start + System.nanoTime() - multiplied;
  }

  private static FloatPointer stage(FloatPointer p, float[] values, int offset, int length) {
    FloatPointer staged = reserve(p, length);
    staged.position(0).put(values, offset, length);
    return staged;
  }

  private static FloatPointer reserve(FloatPointer p, long length) {
    if (p != null && p.capacity() >= length) return p;
    long capacity = p == null ? length : Math.max(length, p.capacity() * 3 / 2);
    if (p != null) p.close();
    return new FloatPointer(capacity);
  }
}
