package org.sparkbnn.ml;

import java.io.Serializable;
import java.util.Arrays;
import java.util.function.Predicate;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.runtime.AbstractFunction1;

/**
 * The definitions (name, doc, validation) of spark-bnn Params, shared by the estimator and the model so that
 * both declare identical Params, and by the evaluators.
 */
public final class ParamDefinitions {
  private ParamDefinitions() {}

  // Allowed values of the Params that name an enum come from the enum; getters return them in this spelling.
  static final String[] ACTIVATIONS = Arrays.stream(org.sparkbnn.bayes.Activation.values())
      .map(a -> a.name().toLowerCase(java.util.Locale.ROOT)).toArray(String[]::new);
  static final String[] PRIORS = {"gaussian", "scaleMixture"};
  static final String[] ESTIMATORS = Arrays.stream(org.sparkbnn.bayes.GradientEstimator.values())
      .map(org.sparkbnn.bayes.GradientEstimator::paramValue).toArray(String[]::new);
  static final String[] LIKELIHOODS = {"homoscedastic", "heteroscedastic"};
  static final String[] KL_WEIGHTINGS = Arrays.stream(org.sparkbnn.bayes.KlWeighting.values())
      .map(org.sparkbnn.bayes.KlWeighting::paramValue).toArray(String[]::new);
  static final String[] HANDLE_INVALID = {"error", "skip"};
  static final String[] SYNC_MODES = {"auto", "collective", "sparkJob"};
  static final String[] KERNELS = org.sparkbnn.compute.ComputeKernel.PARAM_VALUES;

  /**
   * A choice Param's value in the spelling of its allowed values ("RELU" reads as "relu"), so that the values
   * compared, fingerprinted and saved downstream do not depend on how the user capitalised them.
   */
  static String canonical(String value, String[] allowed) {
    for (String a : allowed) if (a.equalsIgnoreCase(value)) return a;
    return value;
  }

  /** A serialisable Scala predicate for Param validation. */
  static <T> AbstractFunction1<T, Object> valid(SerializablePredicate<T> p) {
    return new Validator<>(p);
  }

  interface SerializablePredicate<T> extends Predicate<T>, Serializable {}

  private static final class Validator<T> extends AbstractFunction1<T, Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final SerializablePredicate<T> predicate;
    Validator(SerializablePredicate<T> predicate) { this.predicate = predicate; }
    @Override public Object apply(T value) { return predicate.test(value); }
  }

  static Param<String> column(Params parent, String name, String doc) {
    return new Param<>(parent, name, doc, valid((String s) -> s != null));
  }

  public static Param<String> choice(Params parent, String name, String doc, String[] allowed) {
    return new Param<>(parent, name, doc + " Supported: " + String.join(", ", allowed) + ".",
        valid((String s) -> s != null && Arrays.stream(allowed).anyMatch(a -> a.equalsIgnoreCase(s))));
  }

  static DoubleParam positive(Params parent, String name, String doc) {
    return new DoubleParam(parent, name, doc + " (> 0)", valid((Object v) -> (Double) v > 0 && Double.isFinite((Double) v)));
  }

  public static IntParam atLeast(Params parent, String name, String doc, int min) {
    return new IntParam(parent, name, doc + " (>= " + min + ")", valid((Object v) -> (Integer) v >= min));
  }

  static DoubleParam finite(Params parent, String name, String doc) {
    return new DoubleParam(parent, name, doc, valid((Object v) -> Double.isFinite((Double) v)));
  }

  public static DoubleParam openUnitInterval(Params parent, String name, String doc) {
    return new DoubleParam(parent, name, doc + " (in (0, 1))", valid((Object v) -> (Double) v > 0 && (Double) v < 1));
  }

  /** A double in [min, max). */
  static DoubleParam fraction(Params parent, String name, String doc, double min, double max) {
    return new DoubleParam(parent, name, doc + " (in [" + min + ", " + max + "))",
        valid((Object v) -> (Double) v >= min && (Double) v < max));
  }

  static IntArrayParam layerSizes(Params parent, String name, String doc) {
    return new IntArrayParam(parent, name, doc + " (each >= 1)",
        valid((int[] v) -> v != null && Arrays.stream(v).allMatch(n -> n >= 1)));
  }

  static LongParam seed(Params parent) {
    return new LongParam(parent, "seed", "random seed: initialisation, minibatches and weight noise");
  }
}
