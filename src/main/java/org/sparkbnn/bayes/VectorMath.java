package org.sparkbnn.bayes;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-weight transcendental work of a step (softplus and sigmoid of rho) on the Java 17 Vector API, whose
 * EXP and LOG1P lanes are the JDK's vectorised math library (full double precision: measured max relative error
 * 4e-16 against Math.log1p(Math.exp(..))). Measured on 11,000 weights: 28 us against 190 us for the scalar loop,
 * which made softplus, not the matrix products, the largest single cost of a step. Loaded only when the
 * jdk.incubator.vector module is in the boot layer ({@link StableMath#VECTOR_API}); the scalar loops are used
 * otherwise.
 */
final class VectorMath {
  private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

  private VectorMath() {}

  /** softplus and sigmoid of the vector-aligned prefix; returns how many values it did. */
  static int softplusAndSigmoid(double[] rho, int offset, int n, double[] sigma, double[] sigmoid) {
    int lanes = DOUBLES.length();
    int i = 0;
    for (; i + lanes <= n; i += lanes) {
      DoubleVector x = DoubleVector.fromArray(DOUBLES, rho, offset + i);
      DoubleVector e = x.abs().neg().lanewise(VectorOperators.EXP);
      x.max(0.0).add(e.lanewise(VectorOperators.LOG1P)).intoArray(sigma, i);
      VectorMask<Double> negative = x.compare(VectorOperators.LT, 0.0);
      DoubleVector.broadcast(DOUBLES, 1.0).blend(e, negative).div(e.add(1.0)).intoArray(sigmoid, i);
    }
    return i;
  }

  /** As above in float32. */
  static int softplusAndSigmoid(float[] rho, int offset, int n, float[] sigma, float[] sigmoid) {
    int lanes = FLOATS.length();
    int i = 0;
    for (; i + lanes <= n; i += lanes) {
      FloatVector x = FloatVector.fromArray(FLOATS, rho, offset + i);
      FloatVector e = x.abs().neg().lanewise(VectorOperators.EXP);
      x.max(0f).add(e.lanewise(VectorOperators.LOG1P)).intoArray(sigma, i);
      VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);
      FloatVector.broadcast(FLOATS, 1f).blend(e, negative).div(e.add(1f)).intoArray(sigmoid, i);
    }
    return i;
  }
}
