package org.sparkbnn.ml;

import java.io.Serializable;
import java.util.Arrays;
import java.util.function.Predicate;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.runtime.AbstractFunction1;

/**
 * Base of a stage's Param sets, and the one place that defines the kinds of Param (validator and how the doc
 * states it). A subclass, marked {@link org.sparkbnn.ml.paramgen.ParamInterfaces}, declares each Param in one field
 * initialiser with its name, doc, validator and default
 * ({@code final DoubleParam priorSigma = positive("priorSigma", "...", 1.0);}); the initialisers run after this
 * constructor has set the owning stage, which becomes every Param's parent, and the stage's accessors, getters and
 * setters are generated from the fields.
 */
public abstract class ParamSet implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Params owner;

  protected ParamSet(Params owner) {
    this.owner = owner;
  }

  /**
   * The names of the Params only a fit reads (declared {@link org.sparkbnn.ml.paramgen.ParamInterfaces.FitOnly}):
   * a model carries them from its estimator, but scoring ignores them.
   */
  public final java.util.SortedSet<String> fitOnlyNames() {
    java.util.SortedSet<String> names = new java.util.TreeSet<>();
    for (Class<?> c = getClass(); c != ParamSet.class; c = c.getSuperclass()) {
      for (java.lang.reflect.Field f : c.getDeclaredFields()) {
        if (f.isAnnotationPresent(org.sparkbnn.ml.paramgen.ParamInterfaces.FitOnly.class)) {
          try {
            f.setAccessible(true);
            names.add(((Param<?>) f.get(this)).name());
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return names;
  }

  private <T, P extends Param<T>> P withDefault(P param, T value) {
    owner.setDefault(param, value);
    return param;
  }

  /** A column name (empty where the doc says it turns an output off). */
  protected final Param<String> column(String name, String doc, String value) {
    return text(name, doc, value);
  }

  /** A string Param whose only constraint is not being null (a path; empty means none). */
  protected final Param<String> text(String name, String doc, String value) {
    return withDefault(new Param<>(owner, name, doc, valid((String v) -> v != null)), value);
  }

  protected final ChoiceParam choice(String name, String doc, String[] allowed, String value) {
    return withDefault(new ChoiceParam(owner, name, doc, allowed), value);
  }

  protected final DoubleParam positive(String name, String doc, double value) {
    return withDefault(new DoubleParam(owner, name, doc + " (> 0)",
        valid((Object v) -> (Double) v > 0 && Double.isFinite((Double) v))), value);
  }

  protected final DoubleParam nonNegative(String name, String doc, double value) {
    return withDefault(new DoubleParam(owner, name, doc + " (>= 0)",
        valid((Object v) -> (Double) v >= 0 && Double.isFinite((Double) v))), value);
  }

  protected final DoubleParam finite(String name, String doc, double value) {
    return withDefault(new DoubleParam(owner, name, doc, valid((Object v) -> Double.isFinite((Double) v))), value);
  }

  protected final DoubleParam openUnitInterval(String name, String doc, double value) {
    return withDefault(new DoubleParam(owner, name, doc + " (in (0, 1))",
        valid((Object v) -> (Double) v > 0 && (Double) v < 1)), value);
  }

  /** A double in [min, max). */
  protected final DoubleParam fraction(String name, String doc, double min, double max, double value) {
    return withDefault(new DoubleParam(owner, name, doc + " (in [" + min + ", " + max + "))",
        valid((Object v) -> (Double) v >= min && (Double) v < max)), value);
  }

  protected final IntParam atLeast(String name, String doc, int min, int value) {
    return withDefault(new IntParam(owner, name, doc + " (>= " + min + ")", valid((Object v) -> (Integer) v >= min)),
        value);
  }

  protected final IntArrayParam layerSizes(String name, String doc, int[] value) {
    return withDefault(new IntArrayParam(owner, name, doc + " (each >= 1)",
        valid((int[] v) -> v != null && Arrays.stream(v).allMatch(n -> n >= 1))), value);
  }

  protected final BooleanParam flag(String name, String doc, boolean value) {
    return withDefault(new BooleanParam(owner, name, doc), value);
  }

  protected final LongParam seed(long value) {
    return withDefault(new LongParam(owner, "seed", "random seed: initialisation, minibatches and weight noise"),
        value);
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
}
