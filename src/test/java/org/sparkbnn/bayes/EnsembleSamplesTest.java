package org.sparkbnn.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How an ensemble deals its T weight samples to its members, how it weighs them, and whose likelihood parameters a
 * sample reads.
 */
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

  /**
   * 7 samples over 3 members deal 3, 2 and 2: weighted 7 / (3 n_k), each member's samples weigh 7/3 in all, and the
   * weights sum to T = 7. Read by both predictives, the moments are the equal mixture's: members whose every sample
   * gives c_k = 0, 10, 20 have the mixture mean 10 and epistemic variance (100 + 0 + 100) / 3, where the unweighted
   * average would give 60/7 and count member 0 half as much again as the others.
   */
  @Test
  void everyMemberCountsEquallyInThePredictivesWhateverItsNumberOfSamples() {
    EnsembleSamples seven = ensemble(3, 7, new ArrayList<>());
    double sum = 0;
    for (int t = 0; t < 7; t++) {
      assertEquals(t % 3 == 0 ? 7.0 / 9 : 7.0 / 6, seven.weight(t), 1e-15, "weight of sample " + t);
      sum += seven.weight(t);
    }
    assertEquals(7.0, sum, 1e-12);

    EnsembleSamples constant = new EnsembleSamples(3, 7, (k, n) -> constantMember(new float[] {10 * k}, k));
    double[] moments = new GaussianPredictive(constant, GaussianLikelihood.homoscedastic(0.1)).predict(new float[1], 1);
    double noise = 0;
    for (int k = 0; k < 3; k++) noise += GaussianLikelihood.noiseVariance(k) / 3;
    assertEquals(10.0, moments[0], 1e-12, "mean");
    assertEquals(200.0 / 3, moments[1], 1e-9, "epistemic variance");
    assertEquals(noise, moments[2], 1e-12, "aleatoric variance");

    // Two classes, member k's logits (k, 0): p_k = sigmoid(k) for class 0, entropy H_k of (p_k, 1 - p_k).
    EnsembleSamples logits = new EnsembleSamples(3, 7, (k, n) -> constantMember(new float[] {k, 0}, k));
    CategoricalPredictive.ClassPredictions got =
        new CategoricalPredictive(logits, new CategoricalLikelihood(2)).predict(new float[1], 1);
    double mean = 0;
    double entropy = 0;
    for (int k = 0; k < 3; k++) {
      double p = 1 / (1 + Math.exp(-k));
      mean += p / 3;
      entropy -= (p * Math.log(p) + (1 - p) * Math.log(1 - p)) / 3;
    }
    assertEquals(mean, got.probability[0], 1e-12, "p-bar");
    assertEquals(entropy, got.expectedEntropy[0], 1e-12, "expected entropy");
    assertEquals(-mean * Math.log(mean) - (1 - mean) * Math.log(1 - mean), got.predictiveEntropy[0], 1e-12);
  }

  /** A member whose every sample outputs {@code out} for its one row, with likelihood parameter k. */
  private static SampledNetworks constantMember(float[] out, int k) {
    return new SampledNetworks() {
      @Override public int size() { return 3; }
      @Override public void input(float[] x, int rows) { }
      @Override public void output(int j, float[] into) { System.arraycopy(out, 0, into, 0, out.length); }
      @Override public float[] likelihoodParameters() { return new float[] {k}; }
    };
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
