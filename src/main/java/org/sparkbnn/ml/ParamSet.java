package org.sparkbnn.ml;

import java.io.Serializable;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Base of a stage's Param sets. A subclass declares each Param in one field initialiser, with its name, doc,
 * validator and default ({@code final DoubleParam priorSigma = positive("priorSigma", "...", 1.0);}): the
 * initialisers run after this constructor has set the owning stage, which becomes every Param's parent. The kinds
 * of Param (and their validators) are {@link ParamDefinitions}'.
 */
abstract class ParamSet implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Params owner;

  ParamSet(Params owner) {
    this.owner = owner;
  }

  private <T, P extends Param<T>> P withDefault(P param, T value) {
    owner.setDefault(param, value);
    return param;
  }

  final Param<String> column(String name, String doc, String value) {
    return withDefault(ParamDefinitions.column(owner, name, doc), value);
  }

  /** A string Param whose only constraint is not being null (a path; empty means none). */
  final Param<String> text(String name, String doc, String value) {
    return withDefault(new Param<>(owner, name, doc, ParamDefinitions.valid((String v) -> v != null)), value);
  }

  final Param<String> choice(String name, String doc, String[] allowed, String value) {
    return withDefault(ParamDefinitions.choice(owner, name, doc, allowed), value);
  }

  final DoubleParam positive(String name, String doc, double value) {
    return withDefault(ParamDefinitions.positive(owner, name, doc), value);
  }

  final DoubleParam finite(String name, String doc, double value) {
    return withDefault(ParamDefinitions.finite(owner, name, doc), value);
  }

  final DoubleParam openUnitInterval(String name, String doc, double value) {
    return withDefault(ParamDefinitions.openUnitInterval(owner, name, doc), value);
  }

  final DoubleParam fraction(String name, String doc, double min, double max, double value) {
    return withDefault(ParamDefinitions.fraction(owner, name, doc, min, max), value);
  }

  final IntParam atLeast(String name, String doc, int min, int value) {
    return withDefault(ParamDefinitions.atLeast(owner, name, doc, min), value);
  }

  final IntArrayParam layerSizes(String name, String doc, int[] value) {
    return withDefault(ParamDefinitions.layerSizes(owner, name, doc), value);
  }

  final BooleanParam flag(String name, String doc, boolean value) {
    return withDefault(new BooleanParam(owner, name, doc), value);
  }

  final LongParam seed(long value) {
    return withDefault(ParamDefinitions.seed(owner), value);
  }
}
