package org.sparkbnn.ml;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.sparkbnn.bayes.EnsembleSamples;
import org.sparkbnn.bayes.IntervalCalibration;
import org.sparkbnn.bayes.SampledNetworks;
import org.sparkbnn.bayes.TemperatureScaling;
import org.sparkbnn.compute.ComputeKernel;
import org.sparkbnn.train.EpochSummary;
import org.sparkbnn.input.FeatureValidation;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.input.Standardization;
import org.sparkbnn.compute.TaskCompute;

/**
 * What a fit produces and a fitted model carries, whether it regresses or classifies: the network's shape, its
 * flat posterior parameters (layout: {@link org.sparkbnn.bayes.NetworkArchitecture}; an ensemble's members one
 * after the other), the standardisation and the per-epoch history (an ensemble's: its first member's). Persisted
 * by {@link ModelData}.
 */
final class FittedNetwork implements Serializable {
  private static final long serialVersionUID = 1L;

  final ModelSpec spec;
  final double[] theta;
  final Standardization standardization;
  final List<EpochSummary> history;
  /** The parameter digest of the model the fit started from (whose standardisation it kept), or null. */
  final String initialModel;
  /** Versions, seed and data fingerprint of the fit ({@link Provenance}); null in models saved before it. */
  final java.util.Map<String, String> provenance;
  /** How the fit went (data, timings), for its report; null in a model loaded from disk. */
  final transient FitDetails details;
  /** The regression predictive's calibration on held-out rows ({@link IntervalCalibration#NONE}: none). */
  final IntervalCalibration calibration;
  /** The classification predictive's temperature, fitted on held-out rows ({@link TemperatureScaling#NONE}: none). */
  final TemperatureScaling temperature;

  FittedNetwork(ModelSpec spec, double[] theta, Standardization standardization, List<EpochSummary> history,
                String initialModel, java.util.Map<String, String> provenance, FitDetails details,
                IntervalCalibration calibration, TemperatureScaling temperature) {
    this.calibration = calibration;
    this.temperature = temperature;
    this.provenance = provenance == null ? null : java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(provenance));
    this.details = details;
    this.spec = spec;
    this.theta = theta;
    this.standardization = standardization;
    this.history = List.copyOf(history);
    this.initialModel = initialModel;
  }

  /** The same network with {@code calibration}; {@code note} (null: none) says how it was made, for the report. */
  FittedNetwork calibrated(IntervalCalibration calibration, String note) {
    return new FittedNetwork(spec, theta, standardization, history, initialModel, provenance,
        noted("interval calibration", note), calibration, temperature);
  }

  /** The same network with {@code temperature}; {@code note} as above. */
  FittedNetwork calibrated(TemperatureScaling temperature, String note) {
    return new FittedNetwork(spec, theta, standardization, history, initialModel, provenance,
        noted("temperature scaling", note), calibration, temperature);
  }

  /**
   * This fit's network as it was after its first {@code epochs} epochs, with {@code thetaThen} its parameters at
   * that point: what a fit of that many epochs gives (its history too).
   */
  FittedNetwork after(int epochs, double[] thetaThen) {
    return new FittedNetwork(spec, thetaThen, standardization, history.subList(0, Math.min(epochs, history.size())),
        initialModel, provenance, details, calibration, temperature);
  }

  /** The same network with {@code note} on how its {@code what} (e.g. training length) was chosen, for the report. */
  FittedNetwork withNote(String what, String note) {
    return new FittedNetwork(spec, theta, standardization, history, initialModel, provenance, noted(what, note),
        calibration, temperature);
  }

  private FitDetails noted(String what, String note) {
    return details == null || note == null ? details : details.with(what, note);
  }

  /** This network's parameter digest (what a fit started from it records as its initial model). */
  String digest() {
    return NetworkTrainer.digest(theta);
  }

  /** One row's standardised features, or an error naming the column. */
  float[] standardizedRow(Vector features, String featuresCol) {
    String problem = FeatureValidation.problem(features, featuresCol, spec.numFeatures, null);
    if (problem != null) throw new BadInputException(problem);
    float[] x = new float[spec.numFeatures];
    standardization.features(features, x, 0);
    return x;
  }

  /**
   * The model's weight samples on the given (resolved) kernel; an ensemble's are its members' in turn
   * ({@link EnsembleSamples}), member k's drawn with its own seed.
   */
  SampledNetworks samples(int samples, long seed, ComputeKernel kernel) {
    if (spec.members == 1) return kernel.sampledNetworks(spec.network(), theta, samples, seed);
    return new EnsembleSamples(spec.members, samples, (k, n) -> kernel.sampledNetworks(spec.network(),
        spec.member(theta, k), n, EnsembleSamples.memberSeed(seed, k)));
  }

  /**
   * Member k of an ensemble as a network of its own (what member k of a fit starting from this one starts from);
   * a single network is every member's start.
   */
  FittedNetwork member(int k) {
    if (spec.members == 1) return this;
    return new FittedNetwork(spec.singleMember(), spec.member(theta, k), standardization, history, initialModel,
        provenance, details, calibration, temperature);
  }

  /** The kernel a model's Params resolve to on this JVM's backend. */
  static ComputeKernel kernel(BayesByBackpropParams params) {
    return ComputeKernel.resolve(params.getKernel(), TaskCompute.backendName());
  }
}
