package org.sparkbnn.train;

import java.io.Serializable;

/**
 * Affine maps to and from the standardised space the network is trained in: features and label each to zero
 * mean and unit variance. Constant columns keep scale 1 so that they map to 0 rather than to NaN.
 */
public final class Standardization implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] featureMean;
  private final double[] featureScale;
  private final double labelMean;
  private final double labelScale;

  public Standardization(double[] featureMean, double[] featureScale, double labelMean, double labelScale) {
    this.featureMean = featureMean.clone();
    this.featureScale = featureScale.clone();
    this.labelMean = labelMean;
    this.labelScale = labelScale;
  }

  /** From moments whose last column is the label. */
  public static Standardization fromMoments(ColumnMoments m, int numFeatures) {
    double[] mean = new double[numFeatures];
    double[] scale = new double[numFeatures];
    for (int j = 0; j < numFeatures; j++) {
      mean[j] = m.mean(j);
      scale[j] = safeScale(m.std(j));
    }
    return new Standardization(mean, scale, m.mean(numFeatures), safeScale(m.std(numFeatures)));
  }

  private static double safeScale(double std) {
    return std > 1e-12 && Double.isFinite(std) ? std : 1.0;
  }

  public int numFeatures() { return featureMean.length; }
  public double[] featureMean() { return featureMean.clone(); }
  public double[] featureScale() { return featureScale.clone(); }
  public double labelMean() { return labelMean; }
  public double labelScale() { return labelScale; }

  public float feature(int column, double value) {
    return (float) ((value - featureMean[column]) / featureScale[column]);
  }

  /** Standardises a features vector into {@code out[offset .. offset + numFeatures)}. */
  public void features(org.apache.spark.ml.linalg.Vector v, float[] out, int offset) {
    for (int j = 0; j < featureMean.length; j++) out[offset + j] = feature(j, v.apply(j));
  }

  public float label(double value) {
    return (float) ((value - labelMean) / labelScale);
  }
}
