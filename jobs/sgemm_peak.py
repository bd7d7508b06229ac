#!/usr/bin/env python3
"""The float32 matrix-product peak of this machine as numpy measures it, for `bnn benchmark`.

    OPENBLAS_NUM_THREADS=2 python3 jobs/sgemm_peak.py

Prints one line, "SGEMM gflops=X", the best of 5 timings of 5 products of two 2048 x 2048 float32 matrices, on as
many threads as OPENBLAS_NUM_THREADS allows. The benchmark runs it beside its own measurement through ND4J because
ND4J's OpenBLAS (0.3.19) picks older kernels on CPUs newer than itself: on an AVX-512 AMD EPYC (family 26) it ran
its Haswell kernels at 76-80 GFLOP/s on one thread, where Debian's numpy reached 110, so the share of the peak a
training configuration reaches is taken against the larger of the two.
"""
import time

import numpy as np

N = 2048
a = np.random.default_rng(0).random((N, N), dtype=np.float32)
b = np.random.default_rng(1).random((N, N), dtype=np.float32)
for _ in range(3):
    a @ b
best = 0.0
for _ in range(5):
    start = time.perf_counter()
    for _ in range(5):
        a @ b
    best = max(best, 5 * 2.0 * N ** 3 / (time.perf_counter() - start) / 1e9)
print(f"SGEMM gflops={best:.1f}")
