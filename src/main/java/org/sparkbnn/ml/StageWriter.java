package org.sparkbnn.ml;

import java.util.function.BiConsumer;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a stage's data (if any) and then its metadata; Spark's MLWriter handles overwrite. Every spark-bnn stage
 * saves through this class (the evaluators with no data).
 */
public final class StageWriter extends MLWriter {
  private final Params stage;
  private final BiConsumer<String, SparkSession> dataWriter;

  /** A writer of {@code stage}'s Params only. */
  public StageWriter(Params stage) {
    this(stage, null);
  }

  /** A writer of an estimator's Params, which refuses one holding an initial model object (not a Param). */
  static StageWriter ofEstimator(Params estimator, FittedNetwork initialModel) {
    if (initialModel != null) {
      throw new IllegalStateException(estimator.uid() + " holds an initial model object, which is not saved with"
          + " an estimator: save the model and set initialModelPath instead");
    }
    return new StageWriter(estimator);
  }

  StageWriter(Params stage, BiConsumer<String, SparkSession> dataWriter) {
    this.stage = stage;
    this.dataWriter = dataWriter;
  }

  @Override
  public void saveImpl(String path) {
    if (dataWriter != null) dataWriter.accept(path, sparkSession());
    StageMetadata.save(stage, path, sparkSession());
  }
}
