package org.sparkbnn.bayes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;
import org.junit.jupiter.api.Test;

/**
 * The Vector API's operator tables are full once {@link StableMath#VECTOR_API} has been read, so that no compiled
 * kernel makes a table's first lookup (see {@link VectorOperatorTables} for why that costs 3-8x). The tables are
 * private to jdk.incubator.vector: Surefire opens the package to this test (pom.xml).
 */
class VectorOperatorTablesTest {
  private static final List<Class<?>> KERNEL_TYPES =
      List.of(DoubleVector.class, FloatVector.class, LongVector.class, IntVector.class);

  /** Every ImplCache of the element types the kernels use, by name, with a copy of its entries. */
  private static Map<String, Object[]> tables() throws ReflectiveOperationException {
    Class<?> implCache = Class.forName("jdk.incubator.vector.VectorOperators$ImplCache");
    Field entries = implCache.getDeclaredField("cache");
    entries.setAccessible(true);
    Map<String, Object[]> tables = new LinkedHashMap<>();
    for (Class<?> type : KERNEL_TYPES) {
      for (Field f : type.getDeclaredFields()) {
        if (f.getType() != implCache) continue;
        f.setAccessible(true);
        tables.put(type.getSimpleName() + "." + f.getName(), ((Object[]) entries.get(f.get(null))).clone());
      }
    }
    return tables;
  }

  private static long filled(Object[] table) {
    return Arrays.stream(table).filter(e -> e != null).count();
  }

  @Test
  void everyOperatorOfTheKernelsElementTypesIsLookedUpBeforeAnyKernelRuns() throws ReflectiveOperationException {
    assertTrue(StableMath.VECTOR_API, "jdk.incubator.vector is not in the test JVM's boot layer");
    Map<String, Object[]> before = tables();
    // Unary, binary, binary with an int count, ternary, reduction and reduction identity: six tables for the
    // integral types, five for the floating-point ones (no shifts).
    assertEquals(22, before.size(), "the Vector API's tables are not the ones this JVM was measured with");

    // Every use a kernel could make, the masked and shift forms included; none may add an entry.
    List<Vector<?>> vectors = new ArrayList<>();
    vectors.add(DoubleVector.SPECIES_PREFERRED.broadcast(3));
    vectors.add(FloatVector.SPECIES_PREFERRED.broadcast(3));
    vectors.add(LongVector.SPECIES_PREFERRED.broadcast(3));
    vectors.add(IntVector.SPECIES_PREFERRED.broadcast(3));
    for (Field f : VectorOperators.class.getFields()) {
      Object op = f.get(null);
      for (Vector<?> v : vectors) use(v, op);
    }
    Map<String, Object[]> after = tables();
    for (String table : before.keySet()) {
      assertEquals(filled(after.get(table)), filled(before.get(table)), table + " was missing an operator");
    }
    // And they were filled, not left empty because nothing ran: add, subtract, multiply, divide, min, max; the
    // three shifts by an int count.
    assertTrue(filled(before.get("DoubleVector.BIN_IMPL")) >= 6, "DoubleVector.BIN_IMPL is not filled");
    assertTrue(filled(before.get("FloatVector.BIN_IMPL")) >= 6, "FloatVector.BIN_IMPL is not filled");
    assertTrue(filled(before.get("IntVector.BIN_INT_IMPL")) >= 3, "IntVector.BIN_INT_IMPL is not filled");
  }

  private static <E> void use(Vector<E> v, Object op) {
    List<Runnable> uses = new ArrayList<>();
    if (op instanceof VectorOperators.Unary u) uses.add(() -> v.lanewise(u));
    if (op instanceof VectorOperators.Binary b) {
      uses.add(() -> v.lanewise(b, v));
      uses.add(() -> v.lanewise(b, 2L));
      uses.add(() -> v.lanewise(b, v, v.maskAll(false)));
    }
    if (op instanceof VectorOperators.Ternary t) uses.add(() -> v.lanewise(t, v, v));
    if (op instanceof VectorOperators.Associative a) {
      uses.add(() -> v.reduceLanesToLong(a));
      uses.add(() -> v.reduceLanesToLong(a, v.maskAll(false)));
    }
    for (Runnable use : uses) {
      try {
        use.run();
      } catch (UnsupportedOperationException | IllegalArgumentException | ArithmeticException notForThisType) {
        // an operator this element type does not have
      }
    }
  }
}
