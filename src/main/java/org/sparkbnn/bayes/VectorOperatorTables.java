package org.sparkbnn.bayes;

import java.lang.reflect.Field;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;

/**
 * Fills the Java 17 Vector API's operator tables once, in the interpreter, before any of the kernels' vector code is
 * hot. Without this, a JVM had a good chance of running the kernels boxed, 3-8 times slower, for its whole life.
 *
 * <p>Why. Each element type keeps lazily filled tables of its operators' implementations
 * ({@code VectorOperators.ImplCache}: unary, binary, binary with an int shift count, ternary, reductions and their
 * identities). A table's first lookup of an operator calls a supplier lambda, a different class for each table.
 * When that first lookup happens in C2-compiled code that inlined the lookup with a profile of the earlier
 * suppliers, it fails a type check (a {@code class_check} uncommon trap; 4 of them were typical). C2 adds a method's
 * trap count once for every time it inlines the method, and the lookup is inlined about 80 times into one kernel,
 * so the sum passes {@code PerMethodTrapLimit} (100): C2 then keeps a virtual call beside every profile-guarded call
 * of the compilation, the vectors lose their exact type, and {@code VectorSupport.store} (which needs it) is not
 * intrinsified. Whether a JVM hit it was a race between the first use of an operator (e.g. the heteroscedastic
 * kernel's, or the KL term's, starting after the others are compiled) and C2: 6 of 8 executor JVMs in one
 * measurement; {@code -XX:+LogCompilation} showed the 4 traps in {@code ImplCache.find} in exactly those 6, and
 * the kernels' per-step time doubled or worse. With every operator of every element type looked up here first,
 * compiled code never misses a table.
 *
 * <p>Loaded only when the jdk.incubator.vector module is in the boot layer ({@link StableMath#VECTOR_API}).
 */
final class VectorOperatorTables {
  private VectorOperatorTables() {}

  /** Looks up every operator of {@link VectorOperators} in every table of the element types the kernels use. */
  static void fill() {
    List<Vector<?>> ones = List.of(DoubleVector.SPECIES_PREFERRED.broadcast(1),
        FloatVector.SPECIES_PREFERRED.broadcast(1), LongVector.SPECIES_PREFERRED.broadcast(1),
        IntVector.SPECIES_PREFERRED.broadcast(1));
    for (Field field : VectorOperators.class.getFields()) {
      Object operator;
      try {
        operator = field.get(null);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e); // public static fields of an exported package
      }
      for (Vector<?> v : ones) lookUp(v, operator);
    }
  }

  /** Applies {@code operator} to {@code v} in every way that has a table; an operator the type lacks throws. */
  private static <E> void lookUp(Vector<E> v, Object operator) {
    if (operator instanceof VectorOperators.Unary unary) attempt(() -> v.lanewise(unary));
    if (operator instanceof VectorOperators.Binary binary) {
      attempt(() -> v.lanewise(binary, v));
      attempt(() -> v.lanewise(binary, 1L)); // shifts by an int count have a table of their own
    }
    if (operator instanceof VectorOperators.Ternary ternary) attempt(() -> v.lanewise(ternary, v, v));
    if (operator instanceof VectorOperators.Associative associative) {
      attempt(() -> v.reduceLanesToLong(associative));
      attempt(() -> v.reduceLanesToLong(associative, v.maskAll(true))); // the masked reduction's identity table
    }
  }

  private static void attempt(Runnable lookUp) {
    try {
      lookUp.run();
    } catch (UnsupportedOperationException | IllegalArgumentException | ArithmeticException e) {
      // Not an operator of this element type (e.g. a bitwise one on doubles), or one that rejects these values:
      // it has no table entry to fill, and the kernels cannot be using it.
    }
  }
}
