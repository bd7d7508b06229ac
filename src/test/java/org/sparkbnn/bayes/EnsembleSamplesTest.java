package org.sparkbnn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How an ensemble deals its T weight samples to its members, and whose likelihood parameters a sample reads. */
class EnsembleSamplesTest {

  /** A member whose sample j outputs 100 k + j, and whose one likelihood parameter is k. */
  private static SampledNetworks member(int k, int n) {
    return new SampledNetworks() {
      @Override public int size() { return n; }
      @Override public void input(float[] x, int rows) { }
      @Override public void output(int j, float[] out) {
        if (j >= n) throw new IndexOutOfBoundsException("member " + k + " has " + n + " samples, asked for " + j);
        out[0] = 100 * k + j;
      }
      @Override public float[] likelihoodParameters() { return new float[] {k}; }
    };
  }

  /** An ensemble of such members; {@code built} receives how many samples each member was built with. */
  private static EnsembleSamples ensemble(int members, int samples, List<Integer> built) {
    return new EnsembleSamples(members, samples, (k, n) -> {
      built.add(n);
      return member(k, n);
    });
  }

  @Test
  void sampleTIsSampleTOverKOfMemberTModK() {
    List<Integer> built = new ArrayList<>();
    EnsembleSamples seven = ensemble(3, 7, built);
    // 7 samples over 3 members: t = 0, 3, 6 to member 0; 1, 4 to member 1; 2, 5 to member 2.
    assertEquals(List.of(3, 2, 2), built);
    assertEquals(7, seven.size());
    float[] out = new float[1];
    float[] expected = {0, 100, 200, 1, 101, 201, 2};
    for (int t = 0; t < 7; t++) {
      seven.output(t, out);
      assertEquals(expected[t], out[0], 0f, "sample " + t);
      assertArrayEquals(new float[] {t % 3}, seven.likelihoodParameters(t), "likelihood parameters of sample " + t);
    }
  }

  @Test
  void fewerSamplesThanMembersUseTheFirstMembersOnly() {
    List<Integer> built = new ArrayList<>();
    EnsembleSamples two = ensemble(5, 2, built);
    assertEquals(List.of(1, 1), built);
    float[] out = new float[1];
    two.output(1, out);
    assertEquals(100, out[0], 0f);
  }

  @Test
  void theFirstMemberKeepsTheSeedAndTheOthersGetDistinctOnes() {
    assertEquals(42L, EnsembleSamples.memberSeed(42L, 0));
    java.util.Set<Long> seeds = new java.util.HashSet<>();
    for (int k = 0; k < 100; k++) seeds.add(EnsembleSamples.memberSeed(42L, k));
    assertEquals(100, seeds.size());
  }
}
