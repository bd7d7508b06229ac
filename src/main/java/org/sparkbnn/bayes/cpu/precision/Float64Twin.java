package org.sparkbnn.bayes.cpu.precision;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a float32 class of the fused CPU kernel whose float64 twin, {@code <Name>64} in the same package, the build
 * generates from its source ({@link Float64TwinProcessor}): every {@code float} a {@code double}, every
 * {@code FloatVector} a {@code DoubleVector}, and every other marked class it names replaced by that class's twin.
 * The twin runs the same code in float64, so that the kernel's analytic gradient can be checked against finite
 * differences to 1e-6, which float32 rounding does not allow; training and scoring use the float32 class.
 * A marked class must therefore compile after that rewriting: its float64 arrays stay {@code double[]}, and what it
 * calls outside the marked classes must have {@code double} overloads.
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Float64Twin {}
