package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLWritable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every savable spark-bnn stage must do (as Spark's DefaultReadWriteTest and ParamsSuite.checkParams ask of
 * Spark's own): a save/load round trip keeps the uid, every Param's value and whether it was set or defaulted, and
 * the stage's output; saving over an existing path needs overwrite; every Param belongs to the stage; copy keeps the
 * type, uid and Params. Implemented once per stage ({@link SavableStagesTest}).
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

  @Test
  default void copyKeepsTypeUidAndParams() {
    T stage = stage();
    Params copy = stage.copy(ParamMap.empty());
    assertEquals(stage.getClass(), copy.getClass());
    assertEquals(stage.uid(), copy.uid());
    PersistenceTest.assertSameParams(stage, copy);
  }
}
