package org.sparkbnn.ml;

/** Setters of the regression output columns, for the regressor and its model ({@code T}: the stage). */
@SuppressWarnings("unchecked")
public interface RegressionColumnSetters<T extends RegressionColumnSetters<T>> extends BayesByBackpropRegressorParams {
  default T setVarianceCol(String v) { set(varianceCol(), v); return (T) this; }
  default T setEpistemicVarianceCol(String v) { set(epistemicVarianceCol(), v); return (T) this; }
  default T setAleatoricVarianceCol(String v) { set(aleatoricVarianceCol(), v); return (T) this; }
  default T setLowerBoundCol(String v) { set(lowerBoundCol(), v); return (T) this; }
  default T setUpperBoundCol(String v) { set(upperBoundCol(), v); return (T) this; }
  default T setIntervalLevel(double v) { set(intervalLevel(), v); return (T) this; }
}
