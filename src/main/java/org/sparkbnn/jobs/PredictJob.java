package org.sparkbnn.jobs;

import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkbnn.ml.BayesByBackpropRegressionModel;
import org.sparkbnn.train.InvalidInputException;

/**
 * {@code predict}: scores an input with a model saved by {@code train}; the output keeps every input column and
 * appends the predictive columns. {@code --param} sets model Params such as predictSamples or
 * epistemicVarianceCol.
 */
final class PredictJob {
  private PredictJob() {}

  static int run(JobArgs args) {
    String modelPath = args.required("model");
    String input = args.required("input");
    String output = args.required("output");
    String format = args.value("format", null);
    boolean overwrite = args.flag("overwrite");
    java.util.Map<String, String> params = args.params();
    args.finish();

    SparkSession spark = SparkSessions.create("spark-bnn predict");
    PipelineModel model;
    try {
      model = PipelineModel.load(modelPath);
    } catch (Exception e) { // Hadoop's InvalidInputException (an IOException) escapes unchecked from Scala
      InvalidInputException cause = InvalidInputException.findIn(e);
      throw new InvalidInputException(cause != null ? cause.getMessage()
          : "cannot load model '" + modelPath + "': " + e.getMessage());
    }
    Transformer last = model.stages()[model.stages().length - 1];
    if (!(last instanceof BayesByBackpropRegressionModel)) {
      throw new InvalidInputException("'" + modelPath + "' is not a model saved by 'bnn train'");
    }
    StageParams.apply(last, params);
    Dataset<Row> data = DataIO.read(spark, input);
    Dataset<Row> scored = model.transform(data).drop(DataIO.FEATURES);
    boolean csv = DataIO.isCsv(output, format);
    DataIO.writeAtomically(spark, output, overwrite, tmp -> {
      if (csv) scored.write().option("header", "true").csv(tmp);
      else scored.write().parquet(tmp);
    });
    System.out.println("predict: wrote " + output + (csv ? " (CSV)" : " (Parquet)"));
    return 0;
  }
}
