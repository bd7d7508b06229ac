package org.sparkbnn.jobs;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkbnn.ml.BayesByBackpropRegressionModel;
import org.sparkbnn.ml.BayesByBackpropRegressor;

/**
 * {@code train}: fits a PipelineModel (feature assembly + Bayes-by-Backprop regressor) and saves it, so that
 * {@code predict} rebuilds the same features from the named input columns.
 */
final class TrainJob {
  private TrainJob() {}

  static int run(JobArgs args) {
    String input = args.required("input");
    String label = args.required("label");
    String model = args.required("model");
    String features = args.value("features", null);
    boolean overwrite = args.flag("overwrite");
    BayesByBackpropRegressor regressor = new BayesByBackpropRegressor();
    StageParams.apply(regressor, args.params());
    args.finish();

    SparkSession spark = SparkSessions.create("spark-bnn train");
    if (DataIO.exists(spark, model) && !overwrite) {
      throw new UsageException("model '" + model + "' already exists (pass --overwrite to replace it)");
    }
    Dataset<Row> data = DataIO.read(spark, input);
    String[] featureColumns = DataIO.featureColumns(data, label, features);
    regressor.setFeaturesCol(DataIO.FEATURES).setLabelCol(label);
    System.out.println("train: label '" + label + "', features " + String.join(",", featureColumns));
    PipelineModel fitted = new Pipeline()
        .setStages(new PipelineStage[] {DataIO.assembler(featureColumns), regressor})
        .fit(data);
    DataIO.writeAtomically(spark, model, overwrite, tmp -> {
      try {
        fitted.write().save(tmp);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    });
    BayesByBackpropRegressionModel bnn = (BayesByBackpropRegressionModel) fitted.stages()[1];
    System.out.println("train: saved model to " + model + " (" + bnn.trainingHistory().size() + " epochs, last "
        + bnn.trainingHistory().get(bnn.trainingHistory().size() - 1) + ")");
    return 0;
  }
}
