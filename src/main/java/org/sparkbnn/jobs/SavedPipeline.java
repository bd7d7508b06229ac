package org.sparkbnn.jobs;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.sparkbnn.ml.BayesByBackpropClassificationModel;
import org.sparkbnn.ml.BayesByBackpropModel;
import org.sparkbnn.ml.SavedPipelines;
import org.sparkbnn.input.BadInputException;

/**
 * A PipelineModel saved by {@code bnn train} and the stages the jobs need from it: the feature assembler, the
 * Bayes-by-Backprop model, and for a classifier the label indexer and the class labels.
 */
final class SavedPipeline {
  final String path;
  final PipelineModel model;
  final Transformer bnn;
  private final VectorAssembler assembler;
  final String[] featureColumns;
  /** The classifier's fitted label indexer; null for a regressor. */
  final StringIndexerModel labelIndexer;
  /** The classifier's class labels in index order; null for a regressor. */
  final String[] classLabels;
  /** The column that holds a classifier's predicted label (IndexToString's output); null for a regressor. */
  final String predictedLabelColumn;

  private SavedPipeline(String path, PipelineModel model) {
    this.path = path;
    this.model = model;
    Transformer found = null;
    VectorAssembler vectors = null;
    StringIndexerModel indexer = null;
    String[] labels = null;
    String predictedLabel = null;
    for (Transformer stage : model.stages()) {
      if (stage instanceof BayesByBackpropModel) found = stage;
      if (stage instanceof VectorAssembler) vectors = (VectorAssembler) stage;
      if (stage instanceof StringIndexerModel) indexer = (StringIndexerModel) stage;
      if (stage instanceof IndexToString) {
        labels = ((IndexToString) stage).getLabels();
        predictedLabel = ((IndexToString) stage).getOutputCol();
      }
    }
    if (found == null || vectors == null) {
      throw new BadInputException("'" + path + "' is not a model saved by 'bnn train'");
    }
    this.bnn = found;
    this.assembler = vectors;
    this.featureColumns = vectors.getInputCols();
    this.labelIndexer = indexer;
    this.classLabels = labels;
    this.predictedLabelColumn = predictedLabel;
  }

  static SavedPipeline load(String path) {
    return new SavedPipeline(path, SavedPipelines.load(path));
  }

  /**
   * Points the assembled feature vector (the assembler's output and the model's featuresCol) at a name that none of
   * {@code inputColumns} has, and returns it: the column to drop from the scored output. A model saved with
   * "features" can then score an input that has a column of that name, which is kept.
   */
  String assembleIntoFreeColumn(String[] inputColumns) {
    String vector = DataIO.vectorColumn(inputColumns);
    assembler.setOutputCol(vector);
    bnn.set(bnn.getParam("featuresCol"), vector);
    return vector;
  }

  boolean isClassifier() { return bnn instanceof BayesByBackpropClassificationModel; }

  /** The fit's provenance as one line, for the job's output. */
  String provenance() {
    java.util.Map<String, String> p = ((BayesByBackpropModel) bnn).provenance();
    if (p.isEmpty()) return "not recorded (saved before spark-bnn recorded it)";
    StringBuilder line = new StringBuilder();
    p.forEach((k, v) -> line.append(line.length() == 0 ? "" : "; ").append(k).append(' ').append(v));
    return line.toString();
  }

  String parameterDigest() {
    return ((BayesByBackpropModel) bnn).parameterDigest();
  }

  /**
   * As an initial model for a new fit: the same task, the same feature columns in the same order and, for a
   * classifier, no label value it has not seen (its classes keep their indices, so the network's outputs keep
   * their meaning).
   */
  void requireUpdatableBy(boolean classification, String[] newFeatureColumns, Dataset<Row> data, String label) {
    if (classification != isClassifier()) {
      throw new BadInputException("--initial-model '" + path + "' is a " + (isClassifier() ? "classification"
          : "regression") + " model; this is a " + (classification ? "classification" : "regression") + " fit");
    }
    if (!Arrays.equals(featureColumns, newFeatureColumns)) {
      throw new BadInputException("--initial-model '" + path + "' was trained on features "
          + String.join(",", featureColumns) + "; this fit's are " + String.join(",", newFeatureColumns));
    }
    if (!classification) return;
    Set<String> known = new TreeSet<>(Arrays.asList(labelIndexer.labelsArray()[0]));
    List<Row> values = data.select(functions.col(label).cast("string")).distinct().collectAsList();
    Set<String> unknown = new TreeSet<>();
    for (Row r : values) if (!r.isNullAt(0) && !known.contains(r.getString(0))) unknown.add(r.getString(0));
    if (!unknown.isEmpty()) {
      throw new BadInputException("label column '" + label + "' holds " + String.join(", ", unknown)
          + ", which --initial-model '" + path + "' has no class for (it knows " + String.join(", ", known) + ")");
    }
  }
}
