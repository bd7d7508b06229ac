package org.sparkbnn.ml;

import static org.sparkbnn.ml.ParamDefinitions.column;

import java.io.Serializable;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** The classification-only Params (uncertainty columns) and their defaults. */
public final class ClassifierParamSet implements Serializable {
  private static final long serialVersionUID = 1L;

  final Param<String> probabilityVarianceCol;
  final Param<String> predictiveEntropyCol;
  final Param<String> expectedEntropyCol;
  final Param<String> mutualInformationCol;

  ClassifierParamSet(Params owner) {
    probabilityVarianceCol = column(owner, "probabilityVarianceCol", "output column (vector): per-class variance"
        + " of the sampled class probabilities over the weight samples; empty = off");
    owner.setDefault(probabilityVarianceCol, "");
    predictiveEntropyCol = column(owner, "predictiveEntropyCol", "output column: entropy H[p-bar] of the"
        + " predictive class distribution in nats (total uncertainty); empty = off");
    owner.setDefault(predictiveEntropyCol, "predictiveEntropy");
    expectedEntropyCol = column(owner, "expectedEntropyCol", "output column: mean entropy E_w[H[p(y|x,w)]] of"
        + " the sampled class distributions in nats (aleatoric uncertainty); empty = off");
    owner.setDefault(expectedEntropyCol, "");
    mutualInformationCol = column(owner, "mutualInformationCol", "output column: mutual information"
        + " H[p-bar] - E_w[H[p(y|x,w)]] between label and weights in nats (epistemic uncertainty, BALD);"
        + " empty = off");
    owner.setDefault(mutualInformationCol, "mutualInformation");
  }
}
