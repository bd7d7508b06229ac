package org.sparkbnn.bayes;

import static org.sparkbnn.bayes.BoxMuller.BLOCK;
import static org.sparkbnn.bayes.BoxMuller.ABOVE_SQRT2;
import static org.sparkbnn.bayes.BoxMuller.EXPONENT_OFFSET;
import static org.sparkbnn.bayes.BoxMuller.EXPONENT_TO_FLOAT;
import static org.sparkbnn.bayes.BoxMuller.HALF_STEP;
import static org.sparkbnn.bayes.BoxMuller.MANTISSA;
import static org.sparkbnn.bayes.BoxMuller.ONE_BITS;
import static org.sparkbnn.bayes.BoxMuller.C2;
import static org.sparkbnn.bayes.BoxMuller.C4;
import static org.sparkbnn.bayes.BoxMuller.C6;
import static org.sparkbnn.bayes.BoxMuller.C8;
import static org.sparkbnn.bayes.BoxMuller.HALF_PI;
import static org.sparkbnn.bayes.BoxMuller.HASH_MULTIPLIER_1;
import static org.sparkbnn.bayes.BoxMuller.HASH_MULTIPLIER_2;
import static org.sparkbnn.bayes.BoxMuller.L3;
import static org.sparkbnn.bayes.BoxMuller.L5;
import static org.sparkbnn.bayes.BoxMuller.L7;
import static org.sparkbnn.bayes.BoxMuller.L9;
import static org.sparkbnn.bayes.BoxMuller.LN2;
import static org.sparkbnn.bayes.BoxMuller.PAIRS;
import static org.sparkbnn.bayes.BoxMuller.S3;
import static org.sparkbnn.bayes.BoxMuller.S5;
import static org.sparkbnn.bayes.BoxMuller.S7;
import static org.sparkbnn.bayes.BoxMuller.SIGN;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BoxMuller}'s blocks on the Java 17 Vector API: lane j computes pair j of a block with exactly the scalar
 * code's integer and IEEE float operations in the same order, so the draws have the same bits. At most 16 lanes
 * (a block's 16 pairs). Loaded only when the jdk.incubator.vector module is in the boot layer
 * ({@link StableMath#VECTOR_API}).
 */
final class VectorBoxMuller {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() <= PAIRS
      ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_512;
  @SuppressWarnings("unchecked")
  private static final VectorSpecies<Integer> I = (VectorSpecies<Integer>) F.withLanes(int.class);
  private static final int LANES = F.length();
  /** Blocks per pass of each loop: 4 KB of draws, in the L1 cache between the four loops. */
  private static final int CHUNK = 32;

  private VectorBoxMuller() {}

  /** Writes {@code blocks} whole blocks from out[offset]; returns {@code blocks}. */
  static int fillBlocks(int k0, int k1, float[] out, int offset, int blocks) {
    int[] words = new int[CHUNK * PAIRS];
    float[] sines = new float[CHUNK * PAIRS];
    for (int k = 0; k < blocks; k += CHUNK) {
      int end = Math.min(blocks, k + CHUNK);
      radii(k0, k1, out, offset, k, end);
      angleWords(k0, k1, words, k, end);
      cosinesAndSines(words, out, offset, sines, k, end);
      pairs(words, sines, out, offset, k, end);
    }
    return blocks;
  }

  /*
   * Four loops over a chunk of blocks, not one: C2 stops inlining the Vector API's calls inside one method past a
   * node budget (NodeCountInliningCutoff), and a vector operation that is not inlined allocates: a single loop doing
   * all of a pair ran at 3.2 ns a draw, two loops at 2.7, these four at 1.0. The intermediate values go through the
   * L1 cache: the radius where the pair's second member goes, the cosine where its first goes, the sine and the
   * angle's word in small arrays.
   */

  /*
   * No helper method takes or returns a vector: each loop writes its hash, uniform, logarithm and selection out in
   * full. A helper that C2 compiles on its own first (while the loops still run in C1 code, which calls it) is
   * "already compiled into a big method" when the loops are compiled, is not inlined, and then boxes its vectors
   * on every call; the same was measured in VectorGemm (README, Performance). The operations and their order are
   * the scalar code's, as before.
   */

  private static void radii(int k0, int k1, float[] out, int offset, int from, int to) {
    IntVector twiceLane = IntVector.zero(I).addIndex(2);
    for (int k = from; k < to; k++) {
      for (int h = 0; h < PAIRS; h += LANES) {
        IntVector x = twiceLane.add(2 * (k * PAIRS + h)).add(k0);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(HASH_MULTIPLIER_1);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15)).mul(HASH_MULTIPLIER_2);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).add(k1);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(HASH_MULTIPLIER_1);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15)).mul(HASH_MULTIPLIER_2);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16));
        // unit(x), then ln of it as e ln 2 + 2 atanh(s): see BoxMuller#radius.
        IntVector bits = x.lanewise(VectorOperators.LSHR, 9).or(ONE_BITS).reinterpretAsFloats().sub(1f).add(HALF_STEP)
            .reinterpretAsInts();
        IntVector mantissa = bits.and(MANTISSA);
        IntVector big = mantissa.add(ABOVE_SQRT2).lanewise(VectorOperators.LSHR, 23);
        FloatVector m = mantissa.or(big.lanewise(VectorOperators.LSHL, 23).neg().add(ONE_BITS)).reinterpretAsFloats();
        FloatVector e = bits.lanewise(VectorOperators.LSHR, 23).add(big).add(EXPONENT_TO_FLOAT).reinterpretAsFloats()
            .sub(EXPONENT_OFFSET);
        FloatVector s = m.sub(1f).div(m.add(1f));
        FloatVector s2 = s.mul(s);
        FloatVector series = s2.mul(s2.mul(s2.mul(s2.mul(L9).add(L7)).add(L5)).add(L3)).add(1f);
        FloatVector ln = e.mul(LN2).add(s.mul(2f).mul(series));
        ln.mul(-2f).lanewise(VectorOperators.SQRT).intoArray(out, offset + k * BLOCK + PAIRS + h);
      }
    }
  }

  private static void angleWords(int k0, int k1, int[] words, int from, int to) {
    IntVector twiceLanePlusOne = IntVector.zero(I).addIndex(2).add(1);
    for (int k = from; k < to; k++) {
      for (int h = 0; h < PAIRS; h += LANES) {
        IntVector x = twiceLanePlusOne.add(2 * (k * PAIRS + h)).add(k0);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(HASH_MULTIPLIER_1);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15)).mul(HASH_MULTIPLIER_2);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).add(k1);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(HASH_MULTIPLIER_1);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15)).mul(HASH_MULTIPLIER_2);
        x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).intoArray(words, (k - from) * PAIRS + h);
      }
    }
  }

  private static void cosinesAndSines(int[] words, float[] out, int offset, float[] sines, int from, int to) {
    for (int k = from; k < to; k++) {
      for (int h = 0; h < PAIRS; h += LANES) {
        IntVector w = IntVector.fromArray(I, words, (k - from) * PAIRS + h);
        FloatVector phi = w.lanewise(VectorOperators.LSHR, 9).or(ONE_BITS).reinterpretAsFloats().sub(1f)
            .add(HALF_STEP).sub(0.5f).mul(HALF_PI);
        FloatVector p2 = phi.mul(phi);
        phi.mul(p2.mul(p2.mul(p2.mul(S7).add(S5)).add(S3)).add(1f)).intoArray(sines, (k - from) * PAIRS + h);
        p2.mul(p2.mul(p2.mul(p2.mul(C8).add(C6)).add(C4)).add(C2)).add(1f).intoArray(out, offset + k * BLOCK + h);
      }
    }
  }

  /**
   * The radius times the direction: (cos, sin) swapped and negated by the angle word's three low bits (the bits of
   * sin where the swap mask is all ones, else of cos; the sign flipped by bit 1 or bit 2 moved to the sign bit).
   */
  private static void pairs(int[] words, float[] sines, float[] out, int offset, int from, int to) {
    for (int k = from; k < to; k++) {
      for (int h = 0; h < PAIRS; h += LANES) {
        int first = offset + k * BLOCK + h;
        IntVector b = IntVector.fromArray(I, words, (k - from) * PAIRS + h);
        FloatVector r = FloatVector.fromArray(F, out, first + PAIRS);
        IntVector cos = FloatVector.fromArray(F, out, first).reinterpretAsInts();
        IntVector sin = FloatVector.fromArray(F, sines, (k - from) * PAIRS + h).reinterpretAsInts();
        IntVector swap = b.and(1).neg();
        IntVector keep = swap.not();
        FloatVector firstDirection = sin.and(swap).or(cos.and(keep)).reinterpretAsFloats();
        FloatVector secondDirection = cos.and(swap).or(sin.and(keep)).reinterpretAsFloats();
        r.mul(firstDirection).reinterpretAsInts()
            .lanewise(VectorOperators.XOR, b.lanewise(VectorOperators.LSHL, 30).and(SIGN)).reinterpretAsFloats()
            .intoArray(out, first);
        r.mul(secondDirection).reinterpretAsInts()
            .lanewise(VectorOperators.XOR, b.lanewise(VectorOperators.LSHL, 29).and(SIGN)).reinterpretAsFloats()
            .intoArray(out, first + PAIRS);
      }
    }
  }
}
