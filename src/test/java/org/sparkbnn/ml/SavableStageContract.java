package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLWritable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every savable spark-bnn stage must do (as Spark's DefaultReadWriteTest and ParamsSuite.checkParams ask of
 * Spark's own): a save/load round trip keeps the uid, every Param's value and whether it was set or defaulted, and
 * the stage's output; saving over an existing path needs overwrite; every Param belongs to the stage; the Params it
 * declares have their getters and setters; copy keeps the type, uid and Params. Implemented once per stage
 * ({@link SavableStagesTest}).
 */
interface SavableStageContract<T extends Params & MLWritable> {

  /** A stage with some Params set to non-default values (and, for a model, fitted). */
  T stage();

  T load(String path);

  /** What the stage computes, to compare before and after a round trip (a transform's rows, a metric). */
  Object output(T stage);

  @Test
  default void roundTripKeepsUidParamsAndOutput(@TempDir Path dir) throws IOException {
    T stage = stage();
    String path = dir.resolve("stage").toString();
    stage.write().save(path);
    T loaded = load(path);
    assertEquals(stage.getClass(), loaded.getClass());
    assertEquals(stage.uid(), loaded.uid());
    PersistenceTest.assertSameParams(stage, loaded);
    Object before = output(stage);
    // Not vacuous: an empty transform or a NaN metric would compare equal to itself after any round trip.
    assertTrue(before instanceof java.util.List ? !((java.util.List<?>) before).isEmpty()
        : before instanceof Double ? Double.isFinite((Double) before) : !before.toString().isEmpty(),
        "the stage's output says something: " + before);
    assertEquals(before, output(loaded), "the same output after loading");
  }

  @Test
  default void savingOverAnExistingPathNeedsOverwrite(@TempDir Path dir) throws IOException {
    T stage = stage();
    String path = dir.resolve("stage").toString();
    stage.write().save(path);
    assertThrows(IOException.class, () -> stage.write().save(path));
    stage.write().overwrite().save(path);
    assertEquals(stage.uid(), load(path).uid());
  }

  @Test
  default void everyParamBelongsToTheStage() {
    T stage = stage();
    assertTrue(stage.params().length > 0);
    for (Param<?> p : stage.params()) {
      assertEquals(stage.uid(), p.parent(), p.name());
      assertTrue(p.doc() != null && !p.doc().isEmpty(), p.name() + " is documented");
    }
  }

  /**
   * Every Param the stage declares in its {@link ParamSet} is found by Spark, reads through its getter (a choice
   * Param in canonical spelling) and, where the stage offers its setter, sets through it (a choice stored in
   * canonical spelling) and chains. Estimators and
   * evaluators offer every setter; a model offers all but those of the {@code @FitOnly} Params (fit-time settings).
   */
  @Test
  @SuppressWarnings("unchecked")
  default void declaredParamsHaveGettersAndTheRightSetters() throws Exception {
    T stage = stage();
    ParamSet set = (ParamSet) stage.getClass().getMethod("paramSet").invoke(stage);
    List<Param<?>> found = Arrays.asList(stage.params());
    int checked = 0;
    for (Class<?> c = set.getClass(); c != ParamSet.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (!Param.class.isAssignableFrom(field.getType())) continue;
        field.setAccessible(true);
        Param<Object> p = (Param<Object>) field.get(set);
        assertTrue(found.contains(p), p.name() + " is among the stage's params()");
        String suffix = Character.toUpperCase(p.name().charAt(0)) + p.name().substring(1);
        Object value = stage.getOrDefault(p);
        Object expected = field.get(set) instanceof ChoiceParam choice ? choice.canonical((String) value) : value;
        assertTrue(Objects.deepEquals(expected, stage.getClass().getMethod("get" + suffix).invoke(stage)), p.name());

        boolean fitOnly = field.isAnnotationPresent(org.sparkbnn.ml.paramgen.ParamInterfaces.FitOnly.class);
        Method setter = Arrays.stream(stage.getClass().getMethods())
            .filter(m -> m.getName().equals("set" + suffix) && m.getParameterCount() == 1).findFirst().orElse(null);
        assertEquals(!(fitOnly && stage instanceof org.apache.spark.ml.Model), setter != null,
            "set" + suffix + (fitOnly ? " is fit-only" : ""));
        if (setter != null) {
          T copy = (T) stage.copy(ParamMap.empty());
          copy.clear(p);
          assertSame(copy, setter.invoke(copy, value), "set" + suffix + " chains");
          assertTrue(copy.isSet(p) && Objects.deepEquals(expected, copy.getOrDefault(p)), p.name());
        }
        checked++;
      }
    }
    assertTrue(checked >= 4, "the stage declares Params: " + checked);
  }

  @Test
  default void copyKeepsTypeUidAndParams() {
    T stage = stage();
    Params copy = stage.copy(ParamMap.empty());
    assertEquals(stage.getClass(), copy.getClass());
    assertEquals(stage.uid(), copy.uid());
    PersistenceTest.assertSameParams(stage, copy);
  }
}
