package org.sparkbnn.ml;

import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;

/** Reads a stage that has no data besides its Params (the estimators, the evaluators). */
public final class StageReader<T extends Params> extends MLReader<T> {
  private final Class<T> type;

  public StageReader(Class<T> type) {
    this.type = type;
  }

  @Override
  public T load(String path) {
    StageMetadata metadata =
        StageMetadata.load(path, sparkSession().sparkContext().hadoopConfiguration(), type, true);
    try {
      T stage = type.getConstructor(String.class).newInstance(metadata.uid);
      metadata.applyParams(stage);
      return stage;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot instantiate " + type.getName(), e);
    }
  }
}
