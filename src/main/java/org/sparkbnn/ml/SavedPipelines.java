package org.sparkbnn.ml;

import org.apache.spark.ml.PipelineModel;
import org.sparkbnn.input.BadInputException;

/** Loading a saved PipelineModel with a load failure reported as invalid input naming the path. */
public final class SavedPipelines {
  private SavedPipelines() {}

  public static PipelineModel load(String path) {
    try {
      return PipelineModel.load(path);
    } catch (Exception e) { // Hadoop's InvalidInputException (an IOException) escapes unchecked from Scala
      BadInputException ours = BadInputException.findIn(e);
      if (ours != null) throw ours;
      throw new BadInputException("cannot load model '" + path + "': " + BadInputException.reason(e), e);
    }
  }
}
