package org.sparkbnn.jobs;

/**
 * The random stream of numpy's legacy {@code RandomState} seeded with an integer, as far as the UCI protocol's split
 * files need it: the Mersenne Twister MT19937 (Matsumoto and Nishimura 1998) seeded by its {@code init_genrand}
 * (numpy's {@code mt19937_seed}), and {@code RandomState.permutation(n)}: a Fisher-Yates shuffle of 0..n-1 from the
 * last position down, each position's partner drawn by numpy's {@code random_interval} (32-bit draws masked to the
 * bound's bit length, rejected above it). {@code np.random.seed(1); np.random.choice(range(n), n, replace=False)}
 * is {@code permutation(n)} of this stream; the published splits of Hernández-Lobato and Adams (2015), which Gal and
 * Ghahramani (2016) and later work reuse, are 20 such calls in a row.
 */
final class NumpyLegacyRandom {
  private static final int N = 624;
  private static final int M = 397;
  private final int[] state = new int[N];
  private int position;

  NumpyLegacyRandom(long seed) {
    if (seed < 0 || seed > 0xffffffffL) throw new IllegalArgumentException("numpy's seed is 32 bits: " + seed);
    state[0] = (int) seed;
    // int arithmetic wraps modulo 2^32, as the C code's & 0xffffffff does.
    for (int i = 1; i < N; i++) state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;
    position = N;
  }

  /** The next 32-bit output, tempered (genrand_int32). */
  int nextInt() {
    if (position == N) twist();
    int y = state[position++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    return y ^ (y >>> 18);
  }

  private void twist() {
    for (int i = 0; i < N; i++) {
      int y = (state[i] & 0x80000000) | (state[(i + 1) % N] & 0x7fffffff);
      state[i] = state[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
    }
    position = 0;
  }

  /** A uniform integer in [0, max] (numpy's random_interval for max < 2^32). */
  int interval(int max) {
    if (max == 0) return 0;
    int mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    int value;
    do {
      value = nextInt() & mask;
    } while (value > max);
    return value;
  }

  /** numpy's RandomState.permutation(n). */
  int[] permutation(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = interval(i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
