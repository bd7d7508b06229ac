package org.sparkbnn.ml.evaluation;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkbnn.ml.ChoiceParam;
import org.sparkbnn.ml.ParamSet;
import org.sparkbnn.ml.paramgen.ParamInterfaces;

/**
 * The Params of {@link ClassificationCalibrationEvaluator}, each declared with its doc, validator and default;
 * {@code ClassificationCalibrationParams} and {@code ClassificationCalibrationSetters} are generated from them.
 */
@ParamInterfaces(accessors = "ClassificationCalibrationParams", owner = "paramSet",
    setters = "ClassificationCalibrationSetters")
public final class ClassificationCalibrationParamSet extends ParamSet {
  private static final long serialVersionUID = 1L;

  final Param<String> labelCol = column("labelCol", "label column name (class indices 0..K-1)", "label");
  final Param<String> probabilityCol = column("probabilityCol", "predicted class probabilities column name (vector)",
      "probability");
  final ChoiceParam metricName = choice("metricName", "metric: nll, brier and ece are smaller-is-better, accuracy"
      + " larger-is-better.", new String[] {"nll", "brier", "ece", "accuracy"}, "nll");
  final IntParam numBins = atLeast("numBins", "ece: number of equal-width confidence bins", 1, 15);

  ClassificationCalibrationParamSet(Params owner) {
    super(owner);
  }
}
