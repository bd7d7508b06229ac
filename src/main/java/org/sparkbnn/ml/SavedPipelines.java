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
      InvalidInputException ours = InvalidInputException.findIn(e);
      if (ours != null) throw ours;
      InvalidInputException unreadable = new InvalidInputException("cannot load model '" + path + "': "
          + e.getMessage());
      unreadable.initCause(e);
      throw unreadable;
    }
  }
}
