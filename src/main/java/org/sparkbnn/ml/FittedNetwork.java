package org.sparkbnn.ml;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.sparkbnn.bayes.ConstantNoiseOutput;
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
   * {@code onAllRows} (refitOnAllRows: this fit's choices trained again on all rows) with this network's temperature
   * and interval calibration, and its details: this fit's notes on how the choices were made, the refit's lines
   * (rows, steps, timings) in place of this fit's, and {@code note}.
   */
  FittedNetwork refittedAs(FittedNetwork onAllRows, String note) {
    FitDetails merged = details == null ? onAllRows.details : details.updatedBy(onAllRows.details);
    return new FittedNetwork(onAllRows.spec, onAllRows.theta, onAllRows.standardization, onAllRows.history,
        onAllRows.initialModel, onAllRows.provenance, merged, calibration, temperature).withNote("refit", note);
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

  /**
   * likelihood=auto's mixture of a homoscedastic and a heteroscedastic fit of the same rows: one heteroscedastic
   * ensemble of both fits' members, the homoscedastic ones first, written with a constant noise output
   * ({@link ConstantNoiseOutput}); its predictive is the two fits' predictives mixed with equal weights when both
   * fits have as many members. The history is the homoscedastic fit's (an ensemble's is its first member's), the
   * details and provenance the heteroscedastic one's, with both fits' steps.
   */
  static FittedNetwork mixture(FittedNetwork homoscedastic, FittedNetwork heteroscedastic) {
    ModelSpec spec = ModelSpec.mixture(homoscedastic.spec, heteroscedastic.spec);
    int perRow = heteroscedastic.spec.network().numParameters();
    double[] theta = new double[spec.numParameters()];
    for (int k = 0; k < homoscedastic.spec.members; k++) {
      double[] member = ConstantNoiseOutput.added(homoscedastic.spec.network().architecture(),
          homoscedastic.spec.member(homoscedastic.theta, k));
      System.arraycopy(member, 0, theta, k * perRow, perRow);
    }
    System.arraycopy(heteroscedastic.theta, 0, theta, homoscedastic.spec.members * perRow,
        heteroscedastic.theta.length);
    FitDetails details = heteroscedastic.details == null || homoscedastic.details == null ? null
        : heteroscedastic.details
        .with("parameters", String.valueOf(spec.numParameters()))
        .with("steps", homoscedastic.details.summary.get("steps") + " homoscedastic, "
            + heteroscedastic.details.summary.get("steps") + " heteroscedastic");
    return new FittedNetwork(spec, theta, heteroscedastic.standardization, homoscedastic.history,
        heteroscedastic.initialModel, heteroscedastic.provenance, details, IntervalCalibration.NONE,
        TemperatureScaling.NONE);
  }

  /**
   * Of a {@link #mixture}, its fit of one noise model ({@code likelihood}: homoscedastic or heteroscedastic), whose
   * parameters are the fit's bit for bit; what a fit starting from the mixture continues. Of any other network,
   * itself.
   */
  FittedNetwork part(String likelihood) {
    if (spec.homoscedasticMembers == 0) return this;
    boolean homoscedastic = ModelSpec.HOMOSCEDASTIC.equals(likelihood);
    int members = homoscedastic ? spec.homoscedasticMembers : spec.members - spec.homoscedasticMembers;
    ModelSpec partSpec = new ModelSpec(spec.numFeatures, spec.hiddenLayers, spec.activation, likelihood, 0, members);
    int n = partSpec.network().numParameters();
    double[] partTheta = new double[partSpec.numParameters()];
    for (int k = 0; k < members; k++) {
      double[] member = spec.member(theta, homoscedastic ? k : spec.homoscedasticMembers + k);
      if (homoscedastic) member = ConstantNoiseOutput.removed(spec.network().architecture(), member);
      System.arraycopy(member, 0, partTheta, k * n, n);
    }
    return new FittedNetwork(partSpec, partTheta, standardization, history, initialModel, provenance, details,
        IntervalCalibration.NONE, temperature);
  }

  /** The kernel a model's Params resolve to on this JVM's backend. */
  static ComputeKernel kernel(BayesByBackpropParams params) {
    return ComputeKernel.resolve(params.getKernel(), TaskCompute.backendName());
  }
}
