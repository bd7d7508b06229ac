package org.sparkbnn.bayes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * The counter-based generator of the per-row noise: the vector lanes give the scalar code's bits, and the draws
 * are standard normal and independent. The keys are fixed, so every statistic below is one deterministic number;
 * each tolerance is 5 standard errors of that statistic for n independent N(0, 1) draws (a wrong transform, a
 * biased series or a correlated hash is off by far more), and the KS bound is the Kolmogorov distribution's 99.9%
 * quantile.
 */
class BoxMullerTest {
  private static final int N = 1 << 20;
  private static final double SE = 1 / Math.sqrt(N);

  @Test
  void vectorLanesGiveTheScalarBitsForEveryLengthAndOffset() {
    assertTrue(StableMath.VECTOR_API, "jdk.incubator.vector is not in the test JVM's boot layer");
    for (int n : new int[] {0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 1000, 1024 * 33 + 5, 40_000}) {
      for (int offset : new int[] {0, 3}) {
        long key = GaussianNoise.streamKey(11, n, offset);
        float[] dispatched = new float[offset + n];
        float[] scalar = new float[offset + n];
        BoxMuller.fill(key, dispatched, offset, n);
        BoxMuller.fillScalar((int) key, (int) (key >>> 32), scalar, offset, 0, n);
        for (int i = 0; i < offset + n; i++) {
          assertEquals(Float.floatToRawIntBits(scalar[i]), Float.floatToRawIntBits(dispatched[i]),
              "n=" + n + " offset=" + offset + " draw " + i + ": " + scalar[i] + " vs " + dispatched[i]);
        }
      }
    }
  }

  @Test
  void aPrefixIsTheSameWhateverTheLength() {
    long key = GaussianNoise.streamKey(5, 1);
    float[] longer = new float[1000];
    float[] shorter = new float[77];
    BoxMuller.fill(key, longer, 0, longer.length);
    BoxMuller.fill(key, shorter, 0, shorter.length);
    assertTrue(Arrays.equals(shorter, Arrays.copyOf(longer, shorter.length)));
  }

  @Test
  void drawsHaveTheMomentsAndTailsOfAStandardNormal() {
    float[] z = draws(GaussianNoise.streamKey(1, 2, 3));
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    int beyond3 = 0, beyond4 = 0;
    for (float v : z) {
      m1 += v;
      m2 += v * (double) v;
      m3 += Math.pow(v, 3);
      m4 += Math.pow(v, 4);
      if (Math.abs(v) > 3) beyond3++;
      if (Math.abs(v) > 4) beyond4++;
    }
    // Standard errors of the sample mean, second, third and fourth raw moments of N(0, 1): sqrt(Var(z^k) / n) with
    // Var(z) = 1, Var(z^2) = 2, Var(z^3) = 15, Var(z^4) = 96.
    assertEquals(0, m1 / N, 5 * SE, "mean");
    assertEquals(1, m2 / N, 5 * Math.sqrt(2) * SE, "second moment");
    assertEquals(0, m3 / N, 5 * Math.sqrt(15) * SE, "third moment");
    assertEquals(3, m4 / N, 5 * Math.sqrt(96) * SE, "fourth moment");
    // Tail counts are binomial(n, p): p = 2.700e-3 beyond 3 (sd 53 around 2,831), 6.334e-5 beyond 4 (sd 8.1 around 66).
    assertBinomial(beyond3, 2 * new NormalDistribution().cumulativeProbability(-3), "|z| > 3");
    assertBinomial(beyond4, 2 * new NormalDistribution().cumulativeProbability(-4), "|z| > 4");
  }

  @Test
  void drawsPassAKolmogorovSmirnovTest() {
    float[] z = draws(GaussianNoise.streamKey(7, 7));
    Arrays.sort(z);
    NormalDistribution normal = new NormalDistribution();
    double d = 0;
    for (int i = 0; i < N; i++) {
      double cdf = normal.cumulativeProbability(z[i]);
      d = Math.max(d, Math.max((i + 1.0) / N - cdf, cdf - (double) i / N));
    }
    // P(sqrt(n) D > 1.95) = 0.001 for the Kolmogorov distribution.
    assertTrue(d < 1.95 * SE, "KS distance " + d + " (bound " + 1.95 * SE + ")");
  }

  @Test
  void drawsAreUncorrelatedWithinAPairAcrossNeighboursAndAcrossStreams() {
    float[] z = draws(GaussianNoise.streamKey(3, 1, 0));
    float[] otherLayer = draws(GaussianNoise.streamKey(3, 1, 1));
    // A pair's two members sit 16 apart in a block of 32 (the same radius: their squares would correlate).
    assertUncorrelated(z, z, BoxMuller.PAIRS, "the two members of a pair", true);
    assertUncorrelated(z, z, 1, "neighbouring draws", false);
    assertUncorrelated(z, z, BoxMuller.BLOCK, "the same lane of neighbouring blocks", false);
    assertUncorrelated(z, otherLayer, 0, "two streams' draws at the same position", false);
    // The direction is uniform on the circle: each octant of (first member, second member) holds 1/8 of the pairs.
    int[] octants = new int[8];
    for (int i = 0; i < N; i += BoxMuller.BLOCK) {
      for (int j = 0; j < BoxMuller.PAIRS; j++) {
        double angle = Math.atan2(z[i + BoxMuller.PAIRS + j], z[i + j]);
        octants[(int) Math.floor((angle + Math.PI) / (Math.PI / 4)) & 7]++;
      }
    }
    for (int count : octants) assertBinomialCount(count, N / 2, 1 / 8.0, "an octant of the pairs' directions");
  }

  private static float[] draws(long key) {
    float[] z = new float[N];
    GaussianNoise.fillCounterBased(key, z, 0, N);
    return z;
  }

  /**
   * Pearson correlation of a[i] with b[i + lag] over whole pairs of positions (only the first members of blocks
   * for lag 16 when {@code pairsOnly}), and of their squares; each has standard error 1/sqrt(count) when independent.
   */
  private static void assertUncorrelated(float[] a, float[] b, int lag, String what, boolean pairsOnly) {
    double sxy = 0, sx2y2 = 0;
    int count = 0;
    for (int i = 0; i + lag < N; i++) {
      if (pairsOnly && (i % BoxMuller.BLOCK) >= BoxMuller.PAIRS) continue;
      sxy += a[i] * (double) b[i + lag];
      sx2y2 += (a[i] * (double) a[i] - 1) * (b[i + lag] * (double) b[i + lag] - 1);
      count++;
    }
    double se = 1 / Math.sqrt(count);
    assertEquals(0, sxy / count, 5 * se, what + ": correlation");
    // Var((x^2 - 1)(y^2 - 1)) = 2 x 2 = 4 for independent x, y.
    assertEquals(0, sx2y2 / count, 5 * 2 * se, what + ": correlation of the squares");
  }

  private static void assertBinomial(int count, double p, String what) {
    assertBinomialCount(count, N, p, what);
  }

  private static void assertBinomialCount(int count, int trials, double p, String what) {
    double mean = trials * p;
    double sd = Math.sqrt(trials * p * (1 - p));
    assertEquals(mean, count, 5 * sd, what + ": " + count + " of " + trials);
  }
}
