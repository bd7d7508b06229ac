package org.sparkbnn.ml;

import org.apache.spark.ml.PipelineModel;
import org.sparkbnn.train.InvalidInputException;

/** Loading a saved PipelineModel with a load failure reported as invalid input naming the path. */
public final class SavedPipelines {
  private SavedPipelines() {}

  public static PipelineModel load(String path) {
    try {
      return PipelineModel.load(path);
    } catch (Exception e) { // Hadoop's InvalidInputException (an IOException) escapes unchecked from Scala
      InvalidInputException cause = InvalidInputException.findIn(e);
      throw new InvalidInputException(cause != null ? cause.getMessage()
          : "cannot load model '" + path + "': " + e.getMessage());
    }
  }
}
