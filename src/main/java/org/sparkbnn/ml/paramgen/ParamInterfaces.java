package org.sparkbnn.ml.paramgen;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose fields declare a stage's Params (name, doc, validator and default in one statement each), and
 * names the interfaces {@link ParamInterfaceProcessor} generates from those fields at compile time: the accessors
 * and getters, and the setters. This is Java's stand-in for Spark's shared-params traits and XGBoost4J-Spark's
 * self-typed setter traits: a new Param is its field declaration plus its use.
 *
 * <p>Spark finds a stage's Params by reflection over public no-argument methods returning a Param, and
 * {@code getParam(name)} calls the method of that name, so every Param needs an accessor method on the stage;
 * the generated interfaces supply it as a default method, with {@code getX()} (choice Params return their value in
 * canonical spelling) and a chaining {@code setX(v)}.
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface ParamInterfaces {
  /** Simple name of the generated interface holding the accessors and getters. */
  String accessors();

  /** Interface the accessors interface extends (default: Spark's Params). */
  String accessorsExtend() default "org.apache.spark.ml.param.Params";

  /** Name of the stage method returning the instance of the annotated class that owns the Params. */
  String owner();

  /** Simple name of the generated setters for every stage with these Params (estimators and models). */
  String setters();

  /**
   * Simple name of the generated setters of the {@link FitOnly} fields (estimators only), extending
   * {@link #setters()}; empty when there are none.
   */
  String fitSetters() default "";

  /**
   * A Param only a fit reads: its setter is generated into {@link #fitSetters()}, so models do not offer it. Kept
   * at run time so that a test can check which stages offer its setter.
   */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.FIELD)
  @interface FitOnly {}
}
