package org.sparkbnn.jobs;

import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkbnn.ml.BayesByBackpropClassificationModel;
import org.sparkbnn.ml.BayesByBackpropClassifier;
import org.sparkbnn.ml.BayesByBackpropRegressionModel;
import org.sparkbnn.ml.BayesByBackpropRegressor;
import org.sparkbnn.train.EpochSummary;

/**
 * {@code train}: fits a PipelineModel and saves it, so that {@code predict} rebuilds the same features from the
 * named input columns. Regression: feature assembly + Bayes-by-Backprop regressor. Classification: feature
 * assembly + label indexing (labels of any type, classes in sorted order) + Bayes-by-Backprop classifier +
 * the predicted class mapped back to the original label values ({@code predictedLabel}).
 */
final class TrainJob {
  static final String LABEL_INDEX = "labelIndex";
  static final String PREDICTED_LABEL = "predictedLabel";

  private TrainJob() {}

  static int run(JobArgs args) {
    String input = args.required("input");
    String label = args.required("label");
    String model = args.required("model");
    String features = args.value("features", null);
    String task = args.value("task", "regression");
    boolean overwrite = args.flag("overwrite");
    boolean classification = task.equals("classification");
    if (!classification && !task.equals("regression")) {
      throw new UsageException("--task must be regression or classification, got '" + task + "'");
    }
    Params bnn = classification ? new BayesByBackpropClassifier() : new BayesByBackpropRegressor();
    StageParams.apply(bnn, args.params());
    args.finish();

    SparkSession spark = SparkSessions.create("spark-bnn train");
    if (DataIO.exists(spark, model) && !overwrite) {
      throw new UsageException("model '" + model + "' already exists (pass --overwrite to replace it)");
    }
    Dataset<Row> data = DataIO.read(spark, input);
    String[] featureColumns = classification ? DataIO.featureColumnsBeside(data, label, features)
        : DataIO.featureColumns(data, label, features);
    System.out.println("train: " + task + ", label '" + label + "', features " + String.join(",", featureColumns));
    PipelineModel fitted = new Pipeline()
        .setStages(classification ? classificationStages(data, label, featureColumns, (BayesByBackpropClassifier) bnn)
            : new PipelineStage[] {DataIO.assembler(featureColumns),
                ((BayesByBackpropRegressor) bnn).setFeaturesCol(DataIO.FEATURES).setLabelCol(label)})
        .fit(data);
    DataIO.writeAtomically(spark, model, overwrite, tmp -> {
      try {
        fitted.write().save(tmp);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    });
    List<EpochSummary> history = classification
        ? ((BayesByBackpropClassificationModel) fitted.stages()[2]).trainingHistory()
        : ((BayesByBackpropRegressionModel) fitted.stages()[1]).trainingHistory();
    System.out.println("train: saved model to " + model + " (" + history.size() + " epochs, last "
        + history.get(history.size() - 1) + ")");
    return 0;
  }

  /**
   * The label indexer is fitted here, not in the pipeline, so that IndexToString can be given its labels; at
   * prediction time the input has no label column and Spark's StringIndexerModel then passes rows through.
   */
  private static PipelineStage[] classificationStages(Dataset<Row> data, String label, String[] featureColumns,
                                                      BayesByBackpropClassifier classifier) {
    StringIndexerModel indexer = new StringIndexer().setInputCol(label).setOutputCol(LABEL_INDEX)
        .setStringOrderType("alphabetAsc").fit(data);
    classifier.setFeaturesCol(DataIO.FEATURES).setLabelCol(LABEL_INDEX);
    return new PipelineStage[] {DataIO.assembler(featureColumns), indexer, classifier,
        new IndexToString().setInputCol(classifier.getPredictionCol()).setOutputCol(PREDICTED_LABEL)
            .setLabels(indexer.labelsArray()[0])};
  }
}
