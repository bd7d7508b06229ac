package org.sparkbnn.jobs;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.OneHotEncoderModel;
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
 * A PipelineModel saved by {@code bnn train} and the stages the jobs need from it: the feature assembler (and the
 * text features' indexer and one-hot encoder, {@link FeatureColumns}), the Bayes-by-Backprop model, and for a
 * classifier the label indexer and the class labels.
 */
final class SavedPipeline {
  final String path;
  final PipelineModel model;
  final Transformer bnn;
  private final VectorAssembler assembler;
  /** The text features' indexer and one-hot encoder; null when all features are numeric. */
  final StringIndexerModel featureIndexer;
  final OneHotEncoderModel featureEncoder;
  /** The input columns the features are made of, in the input's order, and the text ones among them. */
  final FeatureColumns features;
  /** Short for features.names. */
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
    StringIndexerModel textIndexer = null;
    OneHotEncoderModel encoder = null;
    String[] labels = null;
    String predictedLabel = null;
    for (Transformer stage : model.stages()) {
      if (stage instanceof BayesByBackpropModel) found = stage;
      if (stage instanceof VectorAssembler) vectors = (VectorAssembler) stage;
      // The text features' indexer reads several columns (inputCols), the label's one (inputCol).
      if (stage instanceof StringIndexerModel s) {
        if (s.isSet(s.inputCols())) textIndexer = s;
        else indexer = s;
      }
      if (stage instanceof OneHotEncoderModel e) encoder = e;
      if (stage instanceof IndexToString) {
        labels = ((IndexToString) stage).getLabels();
        predictedLabel = ((IndexToString) stage).getOutputCol();
      }
    }
    if (found == null || vectors == null || (textIndexer == null) != (encoder == null)) {
      throw new BadInputException("'" + path + "' is not a model saved by 'bnn train'");
    }
    this.bnn = found;
    this.assembler = vectors;
    this.featureIndexer = textIndexer;
    this.featureEncoder = encoder;
    this.features = inputsOf(vectors, textIndexer, encoder);
    this.featureColumns = features.names;
    this.labelIndexer = indexer;
    this.classLabels = labels;
    this.predictedLabelColumn = predictedLabel;
  }

  static SavedPipeline load(String path) {
    return new SavedPipeline(path, SavedPipelines.load(path));
  }

  /** The input columns behind the assembler's: a one-hot vector stands for the text column it encodes. */
  private static FeatureColumns inputsOf(VectorAssembler vectors, StringIndexerModel indexer,
                                         OneHotEncoderModel encoder) {
    String[] names = vectors.getInputCols().clone();
    if (indexer == null) return new FeatureColumns(names, new String[0]);
    List<String> indicators = Arrays.asList(encoder.getOutputCols());
    for (int i = 0; i < names.length; i++) {
      int k = indicators.indexOf(names[i]);
      if (k >= 0) names[i] = indexer.getInputCols()[k];
    }
    return new FeatureColumns(names, indexer.getInputCols());
  }

  /**
   * Points the columns the feature stages add (the text features' indices and one-hot vectors, the assembled
   * vector, which is also the model's featuresCol) at names that none of {@code inputColumns} has, and returns
   * them: the columns to drop from the scored output. A model saved with "features" can then score an input that
   * has a column of that name, which is kept.
   */
  String[] encodeIntoFreeColumns(String[] inputColumns) {
    FeatureColumns.StageColumns free = features.stageColumns(inputColumns);
    List<String> added = new java.util.ArrayList<>();
    if (featureIndexer != null) {
      featureIndexer.setOutputCols(free.indices());
      featureEncoder.setInputCols(free.indices()).setOutputCols(free.indicators());
      added.addAll(Arrays.asList(free.indices()));
      added.addAll(Arrays.asList(free.indicators()));
    }
    assembler.setInputCols(free.assembled()).setOutputCol(free.vector());
    bnn.set(bnn.getParam("featuresCol"), free.vector());
    added.add(free.vector());
    return added.toArray(new String[0]);
  }

  /**
   * The saved feature stages, fitted (an update of the model keeps its categories, so that the network's inputs
   * keep their meaning), with their columns pointed at names none of {@code inputColumns} has.
   */
  FeatureColumns.Assembly fittedAssembly(String[] inputColumns) {
    encodeIntoFreeColumns(inputColumns);
    PipelineStage[] stages = featureIndexer == null ? new PipelineStage[] {assembler}
        : new PipelineStage[] {featureIndexer, featureEncoder, assembler};
    return new FeatureColumns.Assembly(stages, assembler.getOutputCol());
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
   * As an initial model for a new fit: the same task, the same feature columns in the same order, the same ones of
   * them text, and, for a classifier, no label value it has not seen (its classes keep their indices, so the
   * network's outputs keep their meaning).
   */
  void requireUpdatableBy(boolean classification, FeatureColumns newFeatures, Dataset<Row> data, String label) {
    if (classification != isClassifier()) {
      throw new BadInputException("--initial-model '" + path + "' is a " + (isClassifier() ? "classification"
          : "regression") + " model; this is a " + (classification ? "classification" : "regression") + " fit");
    }
    if (!Arrays.equals(featureColumns, newFeatures.names)) {
      throw new BadInputException("--initial-model '" + path + "' was trained on features "
          + String.join(",", featureColumns) + "; this fit's are " + String.join(",", newFeatures.names));
    }
    if (!Arrays.equals(features.text, newFeatures.text)) {
      throw new BadInputException("--initial-model '" + path + "' was trained with the text (one-hot encoded)"
          + " features [" + String.join(",", features.text) + "]; this fit's are [" + String.join(",",
          newFeatures.text) + "]");
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
