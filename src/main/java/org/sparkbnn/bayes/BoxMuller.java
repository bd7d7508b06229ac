package org.sparkbnn.bayes;

/**
 * Counter-based N(0, 1) draws, for the local reparameterisation's per-row noise: batch x units draws per layer and
 * step (66,000 a step for the benchmark's network), where {@code SplittableRandom}'s ziggurat, one draw after the
 * other, took 30% of the step. Here draw i of a stream is a pure function of (key, i), so blocks of draws are
 * computed side by side in vector lanes ({@link VectorBoxMuller}, used when the Vector API is present) with the same
 * IEEE operations in the same order as this scalar code (no fused multiply-add): the draws do not depend on the
 * vector width or on whether the module is there.
 *
 * <p>Pair p of a stream: two 32-bit words, the hash of the counters 2p and 2p + 1 (two rounds of Wellons'
 * lowbias32 permutation, one half of the 64-bit key added before each round); then Box and Muller (1958): the
 * radius sqrt(-2 ln u) with u uniform on (0, 1) from 23 bits of the first word, and a direction uniform on the
 * circle: an angle phi uniform on (-pi/4, pi/4) from 23 bits of the second word, whose (cos phi, sin phi) three more
 * of its bits swap and negate (the eight symmetries of the square, equally likely, carry the quarter circle
 * around the x axis onto the whole circle uniformly). Block k of {@value #BLOCK} draws holds pairs 16k .. 16k + 15:
 * their first members at 0..15, their second at 16..31 (a layout that does not depend on the vector width).
 *
 * <p>ln, sin and cos are short series whose truncation errors (below 1e-8 relative for ln, 3e-7 absolute for sin,
 * 3e-8 for cos on [-pi/4, pi/4]) are at float32's rounding level. u is at least 2^-24, so |z| is at most
 * sqrt(48 ln 2) = 5.77; a standard normal exceeds that with probability 8e-9.
 */
final class BoxMuller {
  /** Draws per block: {@value #PAIRS} pairs. */
  static final int BLOCK = 32;
  static final int PAIRS = BLOCK / 2;

  static final int HASH_MULTIPLIER_1 = 0x7feb352d;
  static final int HASH_MULTIPLIER_2 = 0x846ca68b;
  /** 1.0f's bits: OR-ed with 23 bits w, the float 1 + w 2^-23 (how the lanes make floats without a conversion). */
  static final int ONE_BITS = 0x3F800000;
  static final float HALF_STEP = 0x1p-24f;
  static final int MANTISSA = 0x007FFFFF;
  /** A mantissa plus this carries into bit 23 exactly when it exceeds sqrt(2)'s (0x3504F3). */
  static final int ABOVE_SQRT2 = 0x4AFB0C;
  /** A biased exponent E (below 2^23) plus 2^23's bits is the float 2^23 + E; minus 2^23 + 127, E - 127 exactly. */
  static final int EXPONENT_TO_FLOAT = 0x4B000000;
  static final float EXPONENT_OFFSET = 8388735f;
  static final float LN2 = 0.6931472f;
  static final float HALF_PI = 1.5707964f;
  // ln m = 2 atanh(s) = 2 s (1 + s^2/3 + s^4/5 + s^6/7 + s^8/9 + ...), s = (m - 1) / (m + 1), |s| <= 0.1716.
  static final float L3 = 1f / 3, L5 = 1f / 5, L7 = 1f / 7, L9 = 1f / 9;
  // Taylor series of sin and cos on [-pi/4, pi/4].
  static final float S3 = -1f / 6, S5 = 1f / 120, S7 = -1f / 5040;
  static final float C2 = -0.5f, C4 = 1f / 24, C6 = -1f / 720, C8 = 1f / 40320;
  static final int SIGN = 0x80000000;

  private BoxMuller() {}

  /** Writes draws 0..n-1 of stream {@code key} into out[offset..offset + n). */
  static void fill(long key, float[] out, int offset, int n) {
    int k0 = (int) key;
    int k1 = (int) (key >>> 32);
    int done = StableMath.VECTOR_API ? VectorBoxMuller.fillBlocks(k0, k1, out, offset, n / BLOCK) * BLOCK : 0;
    fillScalar(k0, k1, out, offset, done, n);
  }

  /** Draws from..n-1 ({@code from} a multiple of {@value #BLOCK}) in scalar code. */
  static void fillScalar(int k0, int k1, float[] out, int offset, int from, int n) {
    for (int base = from; base < n; base += BLOCK) {
      for (int j = 0; j < PAIRS && base + j < n; j++) {
        int counter = 2 * (base / 2 + j);
        int a = hash(counter, k0, k1);
        int b = hash(counter + 1, k0, k1);
        float r = radius(a);
        float phi = (unit(b) - 0.5f) * HALF_PI;
        float p2 = phi * phi;
        float sin = phi * (1f + p2 * (S3 + p2 * (S5 + p2 * S7)));
        float cos = 1f + p2 * (C2 + p2 * (C4 + p2 * (C6 + p2 * C8)));
        boolean swap = (b & 1) != 0;
        out[offset + base + j] = negateIf(r * (swap ? sin : cos), b << 30);
        if (base + PAIRS + j < n) out[offset + base + PAIRS + j] = negateIf(r * (swap ? cos : sin), b << 29);
      }
    }
  }

  /**
   * ((w >>> 9) + 0.5) 2^-23, uniform on (0, 1), formed as (1 + (w >>> 9) 2^-23) - 1 + 2^-24 (exact: the same value).
   */
  private static float unit(int w) {
    return Float.intBitsToFloat((w >>> 9) | ONE_BITS) - 1f + HALF_STEP;
  }

  /**
   * sqrt(-2 ln u) for u = unit(a): ln u = e ln 2 + ln m, with u = m 2^e and m in [sqrt(1/2), sqrt(2)) (the mantissa
   * in [1, 2), halved when above sqrt(2)), all in integer operations on u's bits but the series.
   */
  private static float radius(int a) {
    int bits = Float.floatToRawIntBits(unit(a));
    int mantissa = bits & MANTISSA;
    int big = (mantissa + ABOVE_SQRT2) >>> 23;
    float m = Float.intBitsToFloat(mantissa | (-(big << 23) + ONE_BITS));
    float e = Float.intBitsToFloat((bits >>> 23) + big + EXPONENT_TO_FLOAT) - EXPONENT_OFFSET;
    float s = (m - 1f) / (m + 1f);
    float s2 = s * s;
    float ln = e * LN2 + 2f * s * (1f + s2 * (L3 + s2 * (L5 + s2 * (L7 + s2 * L9))));
    return (float) Math.sqrt(-2f * ln);
  }

  /** v with its sign flipped when bit 31 of {@code bit} is set. */
  private static float negateIf(float v, int bit) {
    return Float.intBitsToFloat(Float.floatToRawIntBits(v) ^ (bit & SIGN));
  }

  static int hash(int counter, int k0, int k1) {
    return lowbias32(lowbias32(counter + k0) + k1);
  }

  /** C. Wellons' lowbias32, an invertible 32-bit mix with low avalanche bias (hash-prospector, 2018). */
  private static int lowbias32(int x) {
    x ^= x >>> 16;
    x *= HASH_MULTIPLIER_1;
    x ^= x >>> 15;
    x *= HASH_MULTIPLIER_2;
    x ^= x >>> 16;
    return x;
  }
}
