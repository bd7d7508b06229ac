package org.sparkbnn.jobs;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkbnn.ml.BayesByBackpropClassificationModel;
import org.sparkbnn.ml.BayesByBackpropClassifier;
import org.sparkbnn.ml.BayesByBackpropParams;
import org.sparkbnn.ml.BayesByBackpropModel;
import org.sparkbnn.ml.BayesByBackpropRegressionModel;
import org.sparkbnn.ml.BayesByBackpropRegressor;
import org.sparkbnn.ml.FitReport;
import org.sparkbnn.train.EpochSummary;
import org.sparkbnn.input.BadInputException;

/**
 * {@code train}: fits a PipelineModel and saves it, so that {@code predict} rebuilds the same features from the
 * named input columns. Regression: feature assembly + Bayes-by-Backprop regressor. Classification: feature
 * assembly + label indexing (labels of any type, classes in sorted order) + Bayes-by-Backprop classifier +
 * the predicted class mapped back to the original label values ({@code predictedLabel}).
 */
final class TrainJob {
  static final String LABEL_INDEX = "labelIndex";
  static final String PREDICTED_LABEL = "predictedLabel";
  static final String REPORT = "report.html";

  private TrainJob() {}

  static int run(JobArgs args) {
    String input = args.required("input");
    String nullValue = args.value("null-value", null);
    String label = DataIO.readableName(args.required("label"));
    String model = args.required("model");
    String features = args.value("features", null);
    String task = args.value("task", "regression");
    String initialModelOption = args.value("initial-model", null);
    boolean overwrite = args.flag("overwrite");
    boolean classification = task.equals("classification");
    if (!classification && !task.equals("regression")) {
      throw new UsageException("--task must be regression or classification, got '" + task + "'");
    }
    Params bnn = classification ? new BayesByBackpropClassifier() : new BayesByBackpropRegressor();
    StageParams.apply(bnn, args.params());
    BayesByBackpropParams bnnParams = (BayesByBackpropParams) bnn;
    if (initialModelOption != null) bnn.set(bnnParams.initialModelPath(), initialModelOption);
    // --param initialModelPath=... means the same: the label indexer and feature columns must come from it too.
    String initialModel = bnnParams.getInitialModelPath().isEmpty() ? null : bnnParams.getInitialModelPath();
    args.finish();

    SparkSession spark = SparkSessions.create("spark-bnn train");
    try (ClaimedOutput output = ClaimedOutput.claim(spark, model, overwrite)) {
      Dataset<Row> data = DataIO.read(spark, input, nullValue);
      FeatureColumns featureColumns = classification ? FeatureColumns.choose(data, label, features)
          : FeatureColumns.besideNumericLabel(data, label, features);
      System.out.println("train: " + task + ", label '" + label + "', features "
          + String.join(",", featureColumns.names) + (featureColumns.text.length == 0 ? ""
          : " (one-hot encoded: " + String.join(",", featureColumns.text) + ")"));
      SavedPipeline initial = initialModel == null ? null : SavedPipeline.load(initialModel);
      if (classification) data = withLabels(data, label, (BayesByBackpropClassifier) bnn);
      if (initial != null) initial.requireUpdatableBy(classification, featureColumns, data, label);
      // An update keeps the initial model's categories: the network's inputs must keep their meaning.
      FeatureColumns.Assembly assembly = initial != null ? initial.fittedAssembly(data.columns())
          : featureColumns.assembly(data.columns());
      PipelineStage[] stages;
      if (classification) {
        stages = classificationStages(data, label, assembly, (BayesByBackpropClassifier) bnn,
            initial == null ? null : initial.labelIndexer);
      } else {
        stages = append(assembly.stages(),
            ((BayesByBackpropRegressor) bnn).setFeaturesCol(assembly.vector()).setLabelCol(label));
      }
      if (initial != null) {
        // Already loaded and checked: the fit takes the model object instead of reading the path a second time.
        bnn.clear(bnnParams.initialModelPath());
        if (classification) {
          ((BayesByBackpropClassifier) bnn).setInitialModel((BayesByBackpropClassificationModel) initial.bnn);
        } else {
          ((BayesByBackpropRegressor) bnn).setInitialModel((BayesByBackpropRegressionModel) initial.bnn);
        }
      }
      PipelineModel fitted = new Pipeline().setStages(stages).fit(data);
      Dataset<Row> trained = data;
      output.write(tmp -> {
        try {
          fitted.write().save(tmp);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        writeReport(fitted, trained, input, tmp + "/" + REPORT);
      });
      report(model, fitted);
      if (initial != null) {
        System.out.println("train: started from --initial-model " + initialModel + " (parameters "
            + initial.parameterDigest() + "), keeping its feature and label standardisation; prior: "
            + (bnnParams.getPriorFromModel() ? "its posterior (priorFromModel=true)"
            : bnnParams.getPrior() + " (a warm start)"));
      }
    }
    return 0;
  }

  /**
   * The fit's report ({@link FitReport}) inside the saved model, on rows of the training data as the pipeline's
   * stages before the Bayesian model prepare them.
   */
  private static void writeReport(PipelineModel fitted, Dataset<Row> data, String input, String path) {
    Dataset<Row> prepared = data;
    for (Transformer stage : fitted.stages()) {
      if (stage instanceof BayesByBackpropModel) {
        FitReport.write((Model<?>) stage, prepared, input, path);
        return;
      }
      prepared = stage.transform(prepared);
    }
  }

  private static void report(String model, PipelineModel fitted) {
    Transformer stage = Arrays.stream(fitted.stages()).filter(s -> s instanceof BayesByBackpropModel).findFirst()
        .orElseThrow();
    List<EpochSummary> history = ((BayesByBackpropModel) stage).trainingHistory();
    // What the fit chose: the regressor's noise model (likelihood=auto), the classifier's beta (alternativeKlScale).
    String chosen = stage instanceof BayesByBackpropRegressionModel regression
        ? ", " + regression.fittedLikelihood() + " noise"
        : ", klScale " + ((BayesByBackpropClassificationModel) stage).getKlScale();
    System.out.println("train: saved model to " + model + " (" + history.size() + " epochs" + chosen + ", last "
        + history.get(history.size() - 1) + "); report: " + model + "/" + REPORT);
  }

  /**
   * Rows whose label is missing: with handleInvalid=error a failure naming the first such row, with skip they
   * are dropped and counted. (StringIndexer would otherwise fail on the first null with a trace of its own.)
   */
  private static Dataset<Row> withLabels(Dataset<Row> data, String label, BayesByBackpropClassifier classifier) {
    Column missing = functions.col(label).isNull();
    if (!"skip".equals(classifier.getHandleInvalid())) {
      DataIO.Cell first = DataIO.firstCellWhere(data, label, missing);
      if (first == null) return data;
      throw new BadInputException("label column '" + label + "' is empty in row " + first.row()
          + " (1-based, header not counted); set --param handleInvalid=skip to drop such rows");
    }
    Dataset<Row> labelled = data.where(functions.not(missing));
    long skipped = data.count() - labelled.count();
    if (skipped > 0) System.err.println("train: handleInvalid=skip: dropped " + skipped + " rows without a label");
    return labelled;
  }

  /**
   * At least two classes; and a warning when there are so many that the label looks like an identifier (or a
   * quantity: a regression label). Shared with compare-classifiers.
   */
  static void requireClasses(Dataset<Row> data, String label, String[] classes) {
    if (classes.length < 2) {
      throw new BadInputException("label column '" + label + "' holds a single class ('" + classes[0] + "') in all"
          + " training rows: a classifier needs rows of at least two classes");
    }
    long rows = data.count();
    if (2L * classes.length > rows) {
      System.err.println("warning: label column '" + label + "' has " + classes.length + " classes in " + rows
          + " rows, fewer than two rows a class: is it an identifier or a quantity rather than a class?");
    }
  }

  /**
   * The label indexer is fitted here, not in the pipeline, so that IndexToString can be given its labels; at
   * prediction time the input has no label column and Spark's StringIndexerModel then passes rows through. An
   * update of an initial model reuses its indexer, so every class keeps its index.
   */
  private static PipelineStage[] classificationStages(Dataset<Row> data, String label,
                                                      FeatureColumns.Assembly features,
                                                      BayesByBackpropClassifier classifier,
                                                      StringIndexerModel initialIndexer) {
    StringIndexerModel indexer = initialIndexer != null ? initialIndexer
        : new StringIndexer().setInputCol(label).setOutputCol(LABEL_INDEX).setStringOrderType("alphabetAsc")
            .fit(data);
    String[] classes = indexer.labelsArray()[0];
    if (initialIndexer == null) requireClasses(data, label, classes);
    classifier.setFeaturesCol(features.vector()).setLabelCol(LABEL_INDEX);
    return append(features.stages(), indexer, classifier,
        new IndexToString().setInputCol(classifier.getPredictionCol()).setOutputCol(PREDICTED_LABEL)
            .setLabels(classes));
  }

  private static PipelineStage[] append(PipelineStage[] first, PipelineStage... then) {
    PipelineStage[] all = Arrays.copyOf(first, first.length + then.length);
    System.arraycopy(then, 0, all, first.length, then.length);
    return all;
  }
}
